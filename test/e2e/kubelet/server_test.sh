# `kubectl logs` and `kubectl exec` through a real `kscratch server --disable-agent` to a
# kubelet server (kscratch-kubelet-server-driver: the real server with a fake runtime that
# execs on the host and a log file this test writes), with the real kubectl 1.32: the
# apiserver finds the pod's node, its InternalIP and kubeletEndpoint port, and forwards
# over HTTPS with its kubelet-client certificate.
source "$(dirname "$0")/../lib.sh"
K=$1
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }
DRIVER=${KSCRATCH_KUBELET_SERVER_DRIVER:-$(dirname "$K")/test/unit/kubelet/server/kscratch-kubelet-server-driver}
# The driver is built with the kubelet component's unit tests (KSCRATCH_COMPONENTS).
[[ -x $DRIVER ]] || { echo "no kubelet server driver at $DRIVER (kubelet not configured): skipped"; exit 0; }

PORT=16531
KUBELET_PORT=16532
start_server_for_kubectl "$K" $PORT

LOG=$WORK/web-app.log
ts() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }
echo "$(ts) stdout F line one" >"$LOG"
echo "$(ts) stderr P line " >>"$LOG"
echo "$(ts) stderr F two" >>"$LOG"
# A node whose status points at the driver, as a kubelet publishes it.
driver_node "$DRIVER" logs-node $KUBELET_PORT "$LOG" default/web/app

cat >"$WORK/pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  nodeName: logs-node
  containers:
  - name: app
    image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: unscheduled
spec:
  schedulerName: nobody
  containers:
  - name: a
    image: busybox
  - name: b
    image: busybox
YAML
expect_exit 0 kubectl apply -f "$WORK/pods.yaml"

# --- logs ---------------------------------------------------------------------------
expect_exit 0 kubectl logs web
[[ $OUT == $'line one\nline two' ]] || fail "logs: $OUT"
expect_exit 0 kubectl logs web -c app --tail=1
[[ $OUT == "line two" ]] || fail "logs --tail=1: $OUT"
expect_exit 0 kubectl logs web --timestamps --limit-bytes=45
expect_output '^20[0-9-]+T[0-9:.]+Z line one'
expect_exit 0 kubectl logs web --since=1h
expect_output 'line two'
expect_exit 1 kubectl logs web -c nope
expect_output 'container nope is not valid for pod web'
expect_exit 1 kubectl logs web --previous
expect_output 'previous terminated container "app" in pod "web" not found'
expect_exit 1 kubectl logs missing
expect_output 'pods "missing" not found'
expect_exit 1 kubectl get --raw /api/v1/namespaces/default/pods/unscheduled/log
expect_output 'a container name must be specified for pod unscheduled, choose one of: \[a b\]'
expect_exit 1 kubectl logs unscheduled -c a
expect_output 'pod unscheduled does not have a host assigned'

# Following: lines appended to the file arrive while kubectl waits.
kubectl logs -f web >"$WORK/follow.out" 2>&1 &
FOLLOW=$!
PIDS+=($FOLLOW)
wait_for_log "$WORK/follow.out" 'line two'
echo "$(ts) stdout F line three" >>"$LOG"
wait_for_log "$WORK/follow.out" 'line three'
kill $FOLLOW

# --- exec ---------------------------------------------------------------------------
expect_exit 0 kubectl exec web -- sh -c 'echo to stdout; echo to stderr >&2'
expect_output 'to stdout'
expect_output 'to stderr'
expect_exit 0 kubectl exec web -c app -- sh -c 'echo only stdout; echo hidden >&2' 2>/dev/null
set +e
STDOUT=$(kubectl exec web -- sh -c 'echo only stdout; echo hidden >&2' 2>/dev/null)
set -e
[[ $STDOUT == "only stdout" ]] || fail "exec stdout apart from stderr: $STDOUT"
expect_exit 3 kubectl exec web -- sh -c 'exit 3'
set +e
OUT=$(echo "through stdin" | kubectl exec -i web -- sh -c 'cat; echo done' 2>&1)
set -e
[[ $OUT == $'through stdin\ndone' ]] || fail "exec -i: $OUT"
expect_exit 1 kubectl exec unscheduled -c a -- true
expect_output 'pod unscheduled does not have a host assigned'
# A terminal: kubectl needs one of its own, which script(1) gives it.
if command -v script >/dev/null; then
  expect_exit 0 script -qec "stty cols 91 rows 27; kubectl exec -it web -- sh -c 'stty size; exit 0'" /dev/null
  expect_output '27 91'
fi

# The apiserver is still fine after a follower went away mid-stream.
expect_exit 0 kubectl logs web --tail=1
[[ $OUT == "line three" ]] || fail "logs after follow: $OUT"
echo PASS
