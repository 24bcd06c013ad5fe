#!/usr/bin/env bash
# Issue 7's quick start, as a newcomer runs it: scripts/quickstart.sh (with the binary
# under test, a data dir, log and kubeconfig of its own, unique ports and node name)
# builds the example's image, starts the server, applies example-deployment.yaml with the
# real kubectl, and must see at least 2 of its 3 pods answer through the ClusterIP and the
# NodePort. Run a second time, it reuses the running server and the image. Everything is
# removed afterwards by scripts/kscratch-killall.sh --data-dir (lib_node.sh's trap).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../images/lib_images.sh"
source "$(dirname "$0")/../kubelet/lib_node.sh"
K=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)

NODE=kst-$RANDOM$RANDOM
API_PORT=$(images_pick_port $((16800 + RANDOM % 200)))
KUBELET_PORT=$(images_pick_port $((10600 + RANDOM % 200)))
DNS_PORT=$(images_pick_port $((15300 + RANDOM % 200)))
export KSCRATCH=$K NO_BUILD=1 KSCRATCH_DATA_DIR=$WORK/data KSCRATCH_LOG=$WORK/server.log \
  KSCRATCH_KUBECONFIG=$WORK/kubeconfig.yaml HOME=$WORK/home
export KSCRATCH_SERVER_FLAGS="--https-listen-port $API_PORT --node-name $NODE --kubelet-port $KUBELET_PORT
  --pod-log-dir $WORK/logs --cluster-cidr 10.$((120 + RANDOM % 100)).0.0/16 --dns-port $DNS_PORT
  --private-registry $WORK/registries.yaml"
mkdir -p "$HOME"

echo "== first run"
bash "$ROOT/scripts/quickstart.sh" >"$WORK/first.out" 2>&1 || { cat "$WORK/first.out"; fail "quickstart failed"; }
cat "$WORK/first.out"
OUT=$(cat "$WORK/first.out")
expect_output "starting kscratch server"
expect_output "10 requests to the ClusterIP"
expect_output "10 requests to the NodePort"
expect_output "hello from hello-[a-z0-9]+-[a-z0-9]+ on $NODE"
expect_output "[23] pods answered"
[[ $(grep -c "no answer" <<<"$OUT") == 0 ]] || fail "some requests were not answered"

echo "== second run: reuses the server and the image"
bash "$ROOT/scripts/quickstart.sh" >"$WORK/second.out" 2>&1 || { cat "$WORK/second.out"; fail "second quickstart failed"; }
OUT=$(cat "$WORK/second.out")
expect_output "already running"
expect_output "example image is in"
expect_output "deployment.apps/hello unchanged"
expect_output "[23] pods answered"
[[ $(pgrep -fc "server --data-dir $WORK/data") == 1 ]] || fail "a second server was started"
echo "PASS"
