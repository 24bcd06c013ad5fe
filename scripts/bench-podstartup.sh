#!/usr/bin/env bash
# Pod start-up benchmark (issue 5), as root on a fresh machine: builds kscratch and
# kscratch-bench if needed, builds a busybox image and serves it from a registry on
# loopback, starts `kscratch server` with its local agent (unique node name, ports,
# cluster CIDR; data, pod logs and kubeconfig in a temporary directory), pulls the image
# onto the node with one warm-up pod, then runs
#   kscratch-bench podstartup --pods P --image REF --kubeconfig FILE
# and prints its output, whose last line is the JSON result:
#   {"bench":"podstartup","pods":P,"p50_ms":..,"p99_ms":..,"pods_per_s":..,"rss_mib":..,"shim_rss_kib":..,...}
# Everything it started (server, containers, mounts, netns, nft tables, cgroups, registry,
# temporary files) is removed at the end, also on failure.
#
#   sudo scripts/bench-podstartup.sh [--runs R] [extra kscratch-bench podstartup flags...]
# PODS (default 100) is the pod count. BUILD_DIR names the build directory (default build,
# configured Release); NO_BUILD=1 uses the binaries there as they are. VERBOSE=2 runs the
# server at -v=2 (the kubelet's per-step timing lines) and keeps its log in
# $KEEP_LOG (default /tmp/kscratch-podstartup-server.log).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUNS=1
EXTRA=()
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "bench-podstartup: run as root (runc, netns, nftables)" >&2; exit 1; }
PODS=${PODS:-100}

BUILD_DIR=${BUILD_DIR:-build}
if [[ ${NO_BUILD:-0} != 1 ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target kscratch kscratch-bench
fi
K=$(realpath "$BUILD_DIR/kscratch")
BENCH=$(realpath "$BUILD_DIR/kscratch-bench")
for bin in "$K" "$BENCH"; do
  [[ -x $bin ]] || { echo "bench-podstartup: $bin not built" >&2; exit 1; }
done

# The e2e helpers (image build, registry, free ports) expect lib.sh's WORK, PIDS and fail;
# lib.sh also sets `set -euo pipefail` and an exit trap, replaced below by ours.
source "$ROOT/test/e2e/lib.sh"
source "$ROOT/test/e2e/images/lib_images.sh"
SERVER_PID=
bench_cleanup() {
  local rc=$?
  if ((rc != 0)) && [[ -f $WORK/server.log ]]; then
    echo "--- server log (last 40 lines)" >&2
    tail -n 40 "$WORK/server.log" >&2
  fi
  if [[ ${VERBOSE:-0} != 0 && -f $WORK/server.log ]]; then
    cp "$WORK/server.log" "${KEEP_LOG:-/tmp/kscratch-podstartup-server.log}"
  fi
  # Nothing here may stop the cleanup half-way (set -e is on): every step may fail.
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -d $WORK/data ]]; then bash "$ROOT/scripts/kscratch-killall.sh" --data-dir "$WORK/data" >/dev/null 2>&1 || true; fi
  cleanup
}
trap bench_cleanup EXIT

echo "== image: busybox in a registry on loopback"
images_start_registry "$(images_pick_port $((18300 + RANDOM % 300)))"
images_build_busybox "$WORK/oci" busybox
IMAGE=$REGISTRY/kscratch/busybox:bench
images_push "$WORK/oci" busybox "$IMAGE"

echo "== kscratch server with its agent"
NODE=kscratch-bench-$RANDOM$RANDOM
API_PORT=$(images_pick_port $((18700 + RANDOM % 200)))
KUBELET_PORT=$(images_pick_port $((10700 + RANDOM % 200)))
CLUSTER_CIDR=10.$((120 + RANDOM % 100)).0.0/16
"$K" server --data-dir "$WORK/data" --https-listen-port "$API_PORT" --write-kubeconfig "$WORK/kubeconfig.yaml" \
  --node-name "$NODE" --kubelet-port "$KUBELET_PORT" --pod-log-dir "$WORK/logs" --cluster-cidr "$CLUSTER_CIDR" \
  --private-registry "$WORK/registries.yaml" -v="${VERBOSE:-0}" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
mkdir -p "$HOME"
wait_until 30 "API server up" kubectl get --raw /readyz
wait_until 60 "node $NODE Ready" \
  sh -c "kubectl get node $NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"

echo "== warm-up: one pod pulls the image onto the node"
"$BENCH" podstartup --pods 1 --image "$IMAGE" --kubeconfig "$KUBECONFIG" --server-pid "$SERVER_PID" \
  --namespace warmup >"$WORK/warmup.out" || { cat "$WORK/warmup.out" >&2; fail "the warm-up pod did not run"; }

RESULTS=()
STATUS=0
for ((run = 1; run <= RUNS; run++)); do
  echo "== kscratch-bench podstartup --pods $PODS --image $IMAGE (run $run/$RUNS, server pid $SERVER_PID)"
  # Into a file, then shown: `tee /dev/stderr` would truncate a log file that stdout and
  # stderr both go to.
  "$BENCH" podstartup --pods "$PODS" --image "$IMAGE" --kubeconfig "$KUBECONFIG" --server-pid "$SERVER_PID" \
    --namespace "bench-$run" "${EXTRA[@]}" >"$WORK/run-$run.out" || STATUS=1
  cat "$WORK/run-$run.out"
  RESULTS+=("$(tail -n 1 "$WORK/run-$run.out")")
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died during the benchmark"
done
echo "== results"
printf '%s\n' "${RESULTS[@]}"
exit $STATUS
