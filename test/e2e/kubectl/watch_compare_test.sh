# The streaming forms of `kscratch kubectl` against the real kubectl 1.32: `get -w` (and
# --watch-only, -o name|json|yaml, -l, -A, one object) run by both clients side by side
# on one server while objects change, their outputs compared; then `logs -f`, `logs -l`,
# --prefix and --all-containers through a real kubelet server (the driver of
# test/e2e/kubelet/server_test.sh: the kubelet's HTTPS server with a fake runtime whose
# log is a file written here), one driver per node and pod.
source "$(dirname "$0")/compare_lib.sh"
DRIVER=${KSCRATCH_KUBELET_SERVER_DRIVER:-$(dirname "$K")/test/unit/kubelet/server/kscratch-kubelet-server-driver}

# watch_start NAME SECONDS ARGS...: both clients run ARGS under `timeout SECONDS`, at once.
WATCHES=()
watch_start() {
  local name=$1 secs=$2
  shift 2
  (set +e; timeout "$secs" "$REAL" "$@" >"$WORK/$name.real.out" 2>"$WORK/$name.real.err"; echo $? >"$WORK/$name.real.rc") &
  PIDS+=($!)
  WATCHES+=($!)
  (set +e; timeout "$secs" "$K" kubectl "$@" >"$WORK/$name.ours.out" 2>"$WORK/$name.ours.err"; echo $? >"$WORK/$name.ours.rc") &
  PIDS+=($!)
  WATCHES+=($!)
  echo "$name $*" >>"$WORK/watches"
}

# watch_compare: waits for every started watch and compares each pair.
watch_compare() {
  local pid name args part
  for pid in "${WATCHES[@]}"; do wait "$pid" || true; done
  WATCHES=()
  while read -r name args; do
    for part in out err rc; do
      if ! diff <(mask <"$WORK/$name.real.$part") <(mask <"$WORK/$name.ours.$part") >"$WORK/diff"; then
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

kubectl create namespace other >/dev/null
kubectl create configmap first --from-literal=a=b >/dev/null
kubectl label configmap first app=web >/dev/null
kubectl -n other create configmap elsewhere >/dev/null

# --- get -w ---------------------------------------------------------------------------
watch_start table 8 get configmaps -w
watch_start watch_only 8 get configmaps --watch-only
watch_start name 8 get cm -w -o name
watch_start json 8 get cm -w -o json
watch_start yaml 8 get cm --watch -o yaml
watch_start selected 8 get cm -w -l app=web
watch_start everywhere 8 get cm -A -w
watch_start wide 8 get cm -w -o wide --no-headers
watch_start one 8 get configmap first -w
watch_start one_slash 8 get configmap/first -w -o name
watch_start other_ns 8 -n other get cm -w
watch_start labels 8 get cm -w --show-labels
watch_start one_yaml 8 get cm first -w -o yaml
sleep 2
kubectl create configmap second --from-literal=x=y --from-literal=longer-key=z >/dev/null
sleep 0.4
kubectl label configmap second app=web >/dev/null
sleep 0.4
kubectl label configmap first tier=front >/dev/null
sleep 0.4
kubectl -n other create configmap a-much-longer-name-than-the-others >/dev/null
sleep 0.4
kubectl delete configmap second >/dev/null
sleep 0.4
kubectl create configmap third >/dev/null
watch_compare

# Empty lists; a watch of what does not exist.
watch_start empty 3 get secrets -n other -w
watch_start empty_only 3 get pods --watch-only
watch_start missing 3 get configmap nope -w
watch_start ignored 3 get configmap nope -w --ignore-not-found
watch_start selected_none 3 get cm -w -l app=none
sleep 1
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
  mkdir -p "$WORK/kubelet-pki-$n"
  "$DRIVER" "$port" "$WORK/kubelet-pki-$n" "$WORK/data/server/tls/server-ca.crt" "$log" "default/$pod/app" \
    >"$WORK/driver-$n.log" 2>&1 &
  PIDS+=($!)
  wait_for_log "$WORK/driver-$n.log" 'serving HTTPS'
  printf 'apiVersion: v1\nkind: Node\nmetadata:\n  name: logs-%s\n' "$n" | kubectl create -f - >/dev/null
  kubectl patch node "logs-$n" --subresource=status --type=merge -p "{\"status\":{
    \"addresses\":[{\"type\":\"Hostname\",\"address\":\"logs-$n\"},{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],
    \"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":$port}}}}" >/dev/null
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
watch_start pods_empty 20 get pods -w -l tier=logs
watch_start pods_wide 20 get pods -o wide --watch-only
sleep 2
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

# Following: both clients wait for more, get the appended line, and end with timeout.
watch_start follow 5 logs -f web
watch_start follow_tail 5 logs web -f --tail=2 --prefix
watch_start follow_selected 5 logs -f -l app=api --prefix
sleep 2
echo "$(ts) stdout F web line appended" >>"$WORK/web.log"
echo "$(ts) stdout P api partial " >>"$WORK/api.log"
echo "$(ts) stdout F then the rest" >>"$WORK/api.log"
sleep 1
watch_compare
watch_start follow_two 4 logs -f -l tier=logs --prefix --tail=1
sleep 2
echo "$(ts) stdout F web once more" >>"$WORK/web.log"
sleep 0.5
for pid in "${WATCHES[@]}"; do wait "$pid" || true; done
WATCHES=()
for who in real ours; do sort "$WORK/follow_two.$who.out" >"$WORK/follow_two.$who.sorted"; done
diff "$WORK/follow_two.real.sorted" "$WORK/follow_two.ours.sorted" >"$WORK/diff" ||
  fail "kubectl logs -f -l tier=logs --prefix --tail=1: out differs: $(cat "$WORK/diff")"
diff "$WORK/follow_two.real.rc" "$WORK/follow_two.ours.rc" >/dev/null || fail "logs -f -l tier=logs: exit codes differ"
COMPARED=$((COMPARED + 1))
: >"$WORK/watches"
echo "PASS ($COMPARED commands compared)"
