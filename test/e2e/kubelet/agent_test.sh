#!/usr/bin/env bash
# `kscratch agent --server URL --token T` joins a server (here one with --disable-agent):
# it trusts the server only through the CA hash in the token, registers its node, and
# runs pods the scheduler binds to it; logs reach it through the apiserver. A token with
# a wrong CA hash is refused.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../images/lib_images.sh"
source "$(dirname "$0")/lib_node.sh"
K=$1

images_start_registry "$(images_pick_port $((17700 + RANDOM % 200)))"
images_build_busybox "$WORK/oci" hello
images_push "$WORK/oci" hello "$REGISTRY/hello:1"

API_PORT=$(images_pick_port $((16900 + RANDOM % 100)))
"$K" server --data-dir "$WORK/data" --disable-agent --https-listen-port "$API_PORT" \
  --write-kubeconfig "$WORK/kubeconfig.yaml" --cluster-cidr "10.$((120 + RANDOM % 100)).0.0/16" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
mkdir -p "$HOME"
wait_until 30 "API server up" kubectl get --raw /readyz
TOKEN=$(cat "$WORK/data/server/token")

echo "== a token whose CA hash is not the server's is refused"
BAD=K10$(printf '0%.0s' $(seq 64))::${TOKEN#*::}
expect_exit 1 "$K" agent --server "https://127.0.0.1:$API_PORT" --token "$BAD" --data-dir "$WORK/bad"
expect_output 'cannot trust'

echo "== the agent joins and runs a pod"
AGENT_NODE=ksa-$RANDOM$RANDOM
"$K" agent --server "https://127.0.0.1:$API_PORT" --token "$TOKEN" --data-dir "$WORK/agent" \
  --node-name "$AGENT_NODE" --kubelet-port "$(images_pick_port $((10700 + RANDOM % 100)))" \
  --pod-log-dir "$WORK/logs" --private-registry "$WORK/registries.yaml" >"$WORK/agent.log" 2>&1 &
PIDS+=($!)
trap 'rc=$?; ((rc)) && tail -n 40 "$WORK/agent.log" >&2; bash "$KILLALL" --data-dir "$WORK/agent" >/dev/null 2>&1; cleanup' EXIT
wait_until 60 "node $AGENT_NODE Ready" \
  sh -c "kubectl get node $AGENT_NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
expect_exit 0 kubectl get lease -n kube-node-lease "$AGENT_NODE"

kubectl run hello --image "$REGISTRY/hello:1" --restart Never -- echo joined >/dev/null
wait_until 90 "pod hello Succeeded" sh -c "kubectl get pod hello -o jsonpath='{.status.phase}' | grep -qx Succeeded"
[[ $(kubectl get pod hello -o jsonpath='{.spec.nodeName}') == "$AGENT_NODE" ]] || fail "hello ran elsewhere"
expect_exit 0 kubectl logs hello
expect_output '^joined$'
echo "PASS"
