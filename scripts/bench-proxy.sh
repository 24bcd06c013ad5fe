#!/usr/bin/env bash
# Proxy benchmark (issue 6), as root: builds kscratch and kscratch-bench if needed, starts
# `kscratch server` with its local agent and proxy (unique node name, ports, cluster CIDR;
# data and kubeconfig in a temporary directory), then runs
#   kscratch-bench proxy --services S --endpoints E --kubeconfig FILE --table <the proxy's>
# and prints its output, whose last line is the JSON result:
#   {"bench":"proxy","services":S,"endpoints":E,"full_sync_ms":..,"p99_programming_ms":..,"rss_mib":..,...}
# No pod runs: the services are selector-less, their endpoints unused addresses that are
# never contacted. Everything it started (server, nft tables, temporary files) is removed
# at the end, also on failure.
#
#   sudo scripts/bench-proxy.sh [extra kscratch-bench proxy flags...]
# SERVICES (default 10000) and ENDPOINTS (default 3) size the run. BUILD_DIR names the
# build directory (default build, configured Release); NO_BUILD=1 uses the binaries there.
# VERBOSE=2 also prints the proxy's own time per incremental sync (from its debug log).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

EXTRA=()
while (($#)); do
  case $1 in
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "bench-proxy: run as root (nftables)" >&2; exit 1; }
SERVICES=${SERVICES:-10000}
ENDPOINTS=${ENDPOINTS:-3}

BUILD_DIR=${BUILD_DIR:-build}
if [[ ${NO_BUILD:-0} != 1 ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target kscratch kscratch-bench
fi
K=$(realpath "$BUILD_DIR/kscratch")
BENCH=$(realpath "$BUILD_DIR/kscratch-bench")
for bin in "$K" "$BENCH"; do
  [[ -x $bin ]] || { echo "bench-proxy: $bin not built" >&2; exit 1; }
done

# lib.sh gives WORK, PIDS, fail and wait_until (and an exit trap, replaced below by ours).
source "$ROOT/test/e2e/lib.sh"
source "$ROOT/test/e2e/images/lib_images.sh"
SERVER_PID=
bench_cleanup() {
  local rc=$?
  if ((rc != 0)) && [[ -f $WORK/server.log ]]; then
    echo "--- server log (last 40 lines)" >&2
    tail -n 40 "$WORK/server.log" >&2
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

echo "== kscratch server with its agent and proxy"
NODE=kscratch-bench-$RANDOM$RANDOM
API_PORT=$(images_pick_port $((18700 + RANDOM % 200)))
KUBELET_PORT=$(images_pick_port $((10700 + RANDOM % 200)))
"$K" server --data-dir "$WORK/data" --https-listen-port "$API_PORT" --write-kubeconfig "$WORK/kubeconfig.yaml" \
  --node-name "$NODE" --kubelet-port "$KUBELET_PORT" --pod-log-dir "$WORK/logs" \
  --private-registry "$WORK/registries.yaml" -v="${VERBOSE:-0}" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
mkdir -p "$HOME"
wait_until 30 "API server up" kubectl get --raw /readyz
wait_until 60 "node $NODE Ready" \
  sh -c "kubectl get node $NODE -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
wait_until 30 "proxy table" grep -q '^PROXY_TABLE=' "$WORK/data/agent/host-names.env"
TABLE=$(sed -n 's/^PROXY_TABLE=//p' "$WORK/data/agent/host-names.env")
wait_until 30 "table ip $TABLE" nft list table ip "$TABLE"

echo "== kscratch-bench proxy --services $SERVICES --endpoints $ENDPOINTS (server pid $SERVER_PID, table $TABLE)"
STATUS=0
"$BENCH" proxy --services "$SERVICES" --endpoints "$ENDPOINTS" --kubeconfig "$KUBECONFIG" --table "$TABLE" \
  --server-pid "$SERVER_PID" "${EXTRA[@]}" >"$WORK/run.out" || STATUS=1
cat "$WORK/run.out"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died during the benchmark"
grep 'proxy\] full sync' "$WORK/server.log" | tail -n 3 || true
# With VERBOSE=2 the proxy logs each incremental sync: how much of a change's latency is
# the proxy's own work (model, encoding, the kernel's commit).
if grep -q 'proxy\] synced' "$WORK/server.log"; then
  stats() {
    sed -n 's/.* in \([0-9.]*\) ms$/\1/p' | sort -n |
      awk -v what="$1" '{v[NR]=$1} END {if (NR) printf "proxy: %d %s, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", NR, what, v[int((NR+1)/2)], v[int(NR*0.99+0.999)], v[NR]}'
  }
  grep 'proxy\] synced' "$WORK/server.log" | stats "incremental syncs" || true
  # An endpoint that moves: one service, a handful of messages (the benchmark's changes).
  grep -E 'proxy\] synced 1 services \([0-9] messages\)' "$WORK/server.log" | stats "syncs of one service in < 10 messages" || true
fi
exit $STATUS
