# The streaming forms of `kscratch kubectl` against the real kubectl 1.32: `get -w` (and
# --watch-only, -o name|json|yaml, -l, -A, one object) run by both clients side by side
# on one server while objects change, their outputs compared; then `logs -f`, `logs -l`,
# --prefix and --all-containers through a real kubelet server (the driver of
# test/e2e/kubelet/server_test.sh: the kubelet's HTTPS server with a fake runtime whose
# log is a file written here), one driver per node and pod.
source "$(dirname "$0")/compare_lib.sh"
DRIVER=${KSCRATCH_KUBELET_SERVER_DRIVER:-$(dirname "$K")/test/unit/kubelet/server/kscratch-kubelet-server-driver}

# watch_start NAME ARGS...: both clients run ARGS at once, in the background (under a
# timeout of 60 s should the test go wrong).
WATCHES=()
watch_start() {
  local name=$1
  shift
  timeout 60 "$REAL" "$@" >"$WORK/$name.real.out" 2>"$WORK/$name.real.err" &
  PIDS+=($!)
  WATCHES+=("$!:$name.real")
  timeout 60 "$K" kubectl "$@" >"$WORK/$name.ours.out" 2>"$WORK/$name.ours.err" &
  PIDS+=($!)
  WATCHES+=("$!:$name.ours")
  echo "$name $*" >>"$WORK/watches"
}

# watch_ready NAME...: waits until both clients of each NAME printed something (the list
# they print before watching), so changes made next come as events.
watch_ready() {
  local name who
  for name in "$@"; do
    for who in real ours; do
      for _ in $(seq 150); do
        [[ -s $WORK/$name.$who.out ]] && break
        sleep 0.1
      done
      [[ -s $WORK/$name.$who.out ]] || fail "$name: $who printed nothing in 15 s: $(cat "$WORK/$name.$who.err")"
    done
  done
}

# watch_compare: lets the last events arrive, ends every watch with SIGTERM (kubectl's
# interrupt handler, and ours, exit 1) and compares each pair (outputs through
# $NORMALISE when set).
watch_compare() {
  local entry name args part filter
  sleep 1.5
  for entry in "${WATCHES[@]}"; do kill -TERM "${entry%%:*}" 2>/dev/null || true; done
  for entry in "${WATCHES[@]}"; do
    set +e
    wait "${entry%%:*}"
    echo $? >"$WORK/${entry#*:}.rc"
    set -e
  done
  WATCHES=()
  while read -r name args; do
    for part in out err rc; do
      filter=cat
      [[ $part == out && -n ${NORMALISE:-} ]] && filter=$NORMALISE
      if ! diff <($filter <"$WORK/$name.real.$part" | mask) <($filter <"$WORK/$name.ours.$part" | mask) >"$WORK/diff"; then
        fail "kubectl $args: $part differs (< kubectl, > kscratch kubectl):
$(cat "$WORK/diff")
kubectl printed:
$(cat "$WORK/$name.real.out")"
      fi
    done
    COMPARED=$((COMPARED + 1))
  done <"$WORK/watches"
  : >"$WORK/watches"
}

# changes SUFFIX: what the watches see, one change at a time.
changes() {
  kubectl create configmap "second-$1" --from-literal=x=y --from-literal=longer-key=z >/dev/null
  sleep 0.3
  kubectl label configmap "second-$1" app=web >/dev/null
  sleep 0.3
  kubectl label --overwrite configmap first "tier=$1" >/dev/null
  sleep 0.3
  kubectl -n other create configmap "a-much-longer-name-than-the-others-$1" >/dev/null
  sleep 0.3
  kubectl delete configmap "second-$1" >/dev/null
  sleep 0.3
  kubectl create configmap "third-$1" >/dev/null
}

kubectl create namespace other >/dev/null
kubectl create configmap first --from-literal=a=b >/dev/null
kubectl label configmap first app=web >/dev/null
kubectl -n other create configmap elsewhere >/dev/null

# --- get -w ---------------------------------------------------------------------------
# In two rounds: a dozen kubectls starting at once is a load of its own.
watch_start table get configmaps -w
watch_start watch_only get configmaps --watch-only
watch_start name get cm -w -o name
watch_start json get cm -w -o json
watch_start yaml get cm --watch -o yaml
watch_start selected get cm -w -l app=web
watch_start labels get cm -w --show-labels
watch_ready table name json yaml selected labels
sleep 0.5
changes a
watch_compare
watch_start everywhere get cm -A -w
watch_start wide get cm -w -o wide --no-headers
watch_start one get configmap first -w
watch_start one_slash get configmap/first -w -o name
watch_start other_ns -n other get cm -w
watch_start one_yaml get cm first -w -o yaml
watch_ready everywhere wide one one_slash other_ns one_yaml
sleep 0.5
changes b
watch_compare

# Empty lists; a watch of what does not exist.
watch_start empty get secrets -n other -w
watch_start empty_only get pods --watch-only
watch_start missing get configmap nope -w
watch_start ignored get configmap nope -w --ignore-not-found
watch_start selected_none get cm -w -l app=none
sleep 2
watch_compare
same_as_kubectl get nosuchtype -w

# --- logs -f, -l, --prefix, --all-containers ------------------------------------------
if [[ ! -x $DRIVER ]]; then
  echo "no kubelet server driver at $DRIVER: logs comparisons skipped"
  echo "PASS ($COMPARED commands compared)"
  exit 0
fi
ts() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }
# start_kubelet N POD: a driver for default/POD/app on its own port, and node logs-N at it.
start_kubelet() {
  local n=$1 pod=$2 port
  port=$(images_pick_port $((16760 + RANDOM % 200)))
  local log=$WORK/$pod.log
  {
    echo "$(ts) stdout F $pod line one"
    echo "$(ts) stderr P $pod line "
    echo "$(ts) stderr F two"
    for i in $(seq 3 14); do echo "$(ts) stdout F $pod line $i"; done
  } >"$log"
  driver_node "$DRIVER" "logs-$n" "$port" "$log" "default/$pod/app" >/dev/null
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata:
  name: $pod
  labels: {app: $pod, tier: logs}
spec:
  nodeName: logs-$n
  containers:
  - name: app
    image: busybox
YAML
}
# Pods appear while these watch: the first event of an empty list brings the headers.
watch_start pods_empty get pods -w -l tier=logs
watch_start pods_wide get pods -o wide --watch-only
sleep 3
start_kubelet 1 web
start_kubelet 2 api

same_as_kubectl logs web
same_as_kubectl logs web --prefix
same_as_kubectl logs web --all-containers
same_as_kubectl logs web --all-containers --prefix
same_as_kubectl logs -l app=web
same_as_kubectl logs -l app=web --prefix
same_as_kubectl logs -l app=web --prefix --tail=2
same_as_kubectl logs -l app=web --all-containers --prefix
same_as_kubectl logs -l app=nobody
same_as_kubectl logs -l app=nobody --prefix
same_as_kubectl logs pod/web --tail=3 --prefix
same_as_kubectl logs -l app=web -c app --tail=2
same_as_kubectl logs -l app=web -c nope
kubectl create service clusterip web --tcp=80 >/dev/null
same_as_kubectl logs service/web --prefix --tail=2
same_as_kubectl logs svc/web --all-containers --tail=1
# Two pods: kubectl's order is a map's, so the lines are compared sorted.
NORMALISE=sort same_as_kubectl logs -l tier=logs --prefix
NORMALISE=sort same_as_kubectl logs -l tier=logs --tail=1
same_as_kubectl logs -l tier=logs -f --max-log-requests=1
same_as_kubectl logs -f missing

# Following: both clients wait for more, get the appended lines, and end with SIGTERM.
watch_start follow logs -f web
watch_start follow_tail logs web -f --tail=2 --prefix
watch_start follow_selected logs -f -l app=api --prefix
watch_ready follow follow_tail follow_selected
sleep 0.5
echo "$(ts) stdout F web line appended" >>"$WORK/web.log"
echo "$(ts) stdout P api partial " >>"$WORK/api.log"
echo "$(ts) stdout F then the rest" >>"$WORK/api.log"
watch_compare
# Two pods at once: their lines interleave as they come, so they are compared sorted.
NORMALISE=sort
watch_start follow_two logs -f -l tier=logs --prefix --tail=1
watch_ready follow_two
sleep 0.5
echo "$(ts) stdout F web once more" >>"$WORK/web.log"
echo "$(ts) stdout F api once more" >>"$WORK/api.log"
watch_compare
unset NORMALISE
echo "PASS ($COMPARED commands compared)"
