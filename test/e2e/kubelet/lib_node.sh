# A single-node cluster for kubelet tests: source after test/e2e/lib.sh and
# test/e2e/images/lib_images.sh.
#
#   node_start_server K [FLAGS...]
#       Starts `K server` with its local agent: data, logs and kubeconfig under $WORK, a
#       unique node name ($NODE), API and kubelet ports, and cluster CIDR; waits until the
#       node is Ready. Sets NODE, API_PORT, KUBELET_PORT, CLUSTER_CIDR, SERVER_PID.
#   node_restart_server K
#       kill -9 of the server, then the same start again (containers keep running).
#   pod_field POD JSONPATH
#       Prints a field of a pod (kubectl -o jsonpath).
#
# The exit trap runs scripts/kscratch-killall.sh --data-dir $WORK/data before lib.sh's
# cleanup, so containers, mounts, network namespaces, links, tables and cgroups go too.

KILLALL=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/scripts/kscratch-killall.sh

node_cleanup() {
  local rc=$?
  if ((rc != 0)) && [[ -f $WORK/server.log ]]; then
    echo "--- server log (last 60 lines)" >&2
    tail -n 60 "$WORK/server.log" >&2
  fi
  [[ -d $WORK/data ]] && bash "$KILLALL" --data-dir "$WORK/data" >/dev/null 2>&1
  cleanup
}
trap node_cleanup EXIT

node_start_server() {
  local k=$1
  shift
  NODE=${NODE:-kst-$RANDOM$RANDOM}
  API_PORT=${API_PORT:-$(images_pick_port $((16600 + RANDOM % 200)))}
  KUBELET_PORT=${KUBELET_PORT:-$(images_pick_port $((10400 + RANDOM % 200)))}
  CLUSTER_CIDR=${CLUSTER_CIDR:-10.$((120 + RANDOM % 100)).0.0/16}
  NODE_FLAGS=("$@")
  "$k" server --data-dir "$WORK/data" --https-listen-port "$API_PORT" --write-kubeconfig "$WORK/kubeconfig.yaml" \
    --node-name "$NODE" --kubelet-port "$KUBELET_PORT" --pod-log-dir "$WORK/logs" --cluster-cidr "$CLUSTER_CIDR" \
    --private-registry "$WORK/registries.yaml" "${NODE_FLAGS[@]}" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
  mkdir -p "$HOME"
  wait_until 30 "API server up" kubectl get --raw /readyz
  wait_until 60 "node $NODE Ready" \
    sh -c "kubectl get node $NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
}

node_restart_server() {
  local k=$1
  kill -KILL "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  node_start_server "$k" "${NODE_FLAGS[@]}"
}

pod_field() {
  kubectl get pod "$1" -o jsonpath="$2"
}
