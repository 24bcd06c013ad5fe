#!/usr/bin/env bash
# Scheduler benchmark: builds kscratch-bench (Release) and runs
# `kscratch-bench scheduler` at two sizes, 1,000 and 5,000 nodes, 5,000 pods each: an
# in-process store, API handler and scheduler (no agent, no controller manager), nodes
# and pods created through the API, each pod timed from its create to its binding seen
# on a watch. Prints each run's output, then the two JSON lines again at the end:
#   {"bench":"scheduler","nodes":N,"pods":P,"pods_per_s":..,"p50_bind_ms":..,"p99_bind_ms":..,"rss_mib":..,...}
#
#   scripts/bench-scheduler.sh [--pods P] [--runs R] [extra kscratch-bench scheduler flags...]
# BUILD_DIR names the build directory (default build, configured Release as in the README);
# NO_BUILD=1 skips the build and uses $BUILD_DIR/kscratch-bench as it is. Goals on a 2-core machine: >= 1,000
# pods/s at 1,000 nodes, >= 500 pods/s at 5,000 nodes.
set -euo pipefail
cd "$(dirname "$0")/.."

PODS=5000
RUNS=1
EXTRA=()
while (($#)); do
  case $1 in
    --pods) PODS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done

BUILD_DIR=${BUILD_DIR:-build}
if [[ ${NO_BUILD:-0} != 1 ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target kscratch-bench
fi
BENCH=$BUILD_DIR/kscratch-bench
[[ -x $BENCH ]] || { echo "bench-scheduler: $BENCH not built" >&2; exit 1; }

RESULTS=()
STATUS=0
for nodes in 1000 5000; do
  for ((run = 1; run <= RUNS; run++)); do
    echo "== scheduler: $nodes nodes, $PODS pods (run $run/$RUNS)"
    # A failed run (pods not bound, create errors) still prints its JSON line; go on.
    out=$("$BENCH" scheduler --nodes "$nodes" --pods "$PODS" "${EXTRA[@]}" | tee /dev/stderr) || STATUS=1
    RESULTS+=("$(tail -n 1 <<<"$out")")
  done
done
echo "== results"
printf '%s\n' "${RESULTS[@]}"
exit $STATUS
