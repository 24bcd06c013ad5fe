#!/usr/bin/env bash
# Side-by-side store benchmark: Debian's etcd 3.4 (etcdctl check perf --load=l: 500
# clients, 60 s) and kscratch's store (kscratch-bench store with the same 500 clients and
# duration) on the same disk, in one run. Prints both results and a final JSON line:
#   {"bench":"store-vs-etcd","etcd_writes_per_s":..,"etcd_p99_ms":..,"kscratch_writes_per_s":..,
#    "kscratch_p99_ms":..,"kscratch_watch_p99_ms":..,"ratio":..}
#
#   sudo scripts/bench-etcd.sh [--seconds S] [--watchers W]   (needs build/kscratch-bench)
# Note: check perf's load "l" paces its clients at up to 8,000 writes/s; on this 2-core
# machine etcd stays below that (fsync-bound), so the figures compare like with like.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_RUN=60
WATCHERS=100
while (($#)); do
  case $1 in
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --watchers) WATCHERS=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--watchers W]" >&2; exit 2 ;;
  esac
done

BENCH=${BENCH:-build/kscratch-bench}
[[ -x $BENCH ]] || { echo "bench-etcd: $BENCH not built (cmake --build build)" >&2; exit 1; }
if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
  [[ $EUID -eq 0 ]] || { echo "bench-etcd: etcd missing; run as root to install it" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client >/dev/null
fi

# The same file system as kscratch's default data dir (/var/lib) and bench dir (/var/tmp).
WORK=$(mktemp -d /var/tmp/kscratch-etcd-bench.XXXXXX)
ETCD_PID=
cleanup() {
  [[ -n $ETCD_PID ]] && kill "$ETCD_PID" 2>/dev/null && wait "$ETCD_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

CLIENT=http://127.0.0.1:23790
etcd --name bench --data-dir "$WORK/etcd" \
  --listen-client-urls "$CLIENT" --advertise-client-urls "$CLIENT" \
  --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
  --initial-cluster bench=http://127.0.0.1:23800 --metrics extensive >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
for _ in $(seq 100); do
  ETCDCTL_API=3 etcdctl --endpoints "$CLIENT" endpoint health >/dev/null 2>&1 && break
  sleep 0.1
done

echo "=== etcd $(etcd --version | head -1 | awk '{print $3}'): etcdctl check perf --load=l"
# check perf draws a progress bar; keep only its verdict lines.
ETCDCTL_API=3 etcdctl --endpoints "$CLIENT" check perf --load=l >"$WORK/etcd-perf.txt" 2>&1 || true
tr '\r' '\n' <"$WORK/etcd-perf.txt" | grep -E '^(PASS|FAIL)' || true
etcd_wps=$(grep -oE '[0-9]+ writes/s' "$WORK/etcd-perf.txt" | grep -oE '[0-9]+' || echo 0)
etcd_slowest=$(grep -oE 'Slowest request took[^0-9]*[0-9.]+s' "$WORK/etcd-perf.txt" | grep -oE '[0-9.]+' || echo 0)
# check perf reports only the slowest request; etcd's own gRPC handling histogram
# (--metrics extensive) gives its p50/p99 for Put.
curl -s "$CLIENT/metrics" >"$WORK/etcd-metrics.txt" || true
kill "$ETCD_PID"; wait "$ETCD_PID" 2>/dev/null || true; ETCD_PID=

echo
echo "=== kscratch store: $BENCH store --clients 500 --seconds $SECONDS_RUN --watchers $WATCHERS"
"$BENCH" store --clients 500 --seconds "$SECONDS_RUN" --watchers "$WATCHERS" --dir "$WORK/kscratch" | tee "$WORK/ks.txt"
ks_json=$(tail -1 "$WORK/ks.txt")

python3 - "$etcd_wps" "$etcd_slowest" "$ks_json" "$WORK/etcd-metrics.txt" <<'PY'
import json, re, sys
etcd_wps, etcd_slowest_s, ks = float(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])

def quantile(q, path):
    """histogram_quantile over etcd's grpc_server_handling_seconds for Put, as Prometheus does."""
    buckets = []
    for line in open(path):
        m = re.match(r'grpc_server_handling_seconds_bucket\{.*grpc_method="Put".*le="([^"]+)"\} (\S+)', line)
        if m:
            buckets.append((float("inf") if m[1] == "+Inf" else float(m[1]), float(m[2])))
    buckets.sort()
    if not buckets or buckets[-1][1] == 0:
        return 0.0
    rank, prev_le, prev_n = q * buckets[-1][1], 0.0, 0.0
    for le, n in buckets:
        if n >= rank:
            if le == float("inf"):
                return prev_le * 1000
            return (prev_le + (le - prev_le) * (rank - prev_n) / max(n - prev_n, 1)) * 1000
        prev_le, prev_n = le, n
    return 0.0

etcd_p50, etcd_p99 = quantile(0.5, sys.argv[4]), quantile(0.99, sys.argv[4])
ratio = ks["writes_per_s"] / etcd_wps if etcd_wps else 0
print(f"\netcd {etcd_wps:.0f} writes/s (p50 {etcd_p50:.1f} ms, p99 {etcd_p99:.1f} ms, slowest "
      f"{etcd_slowest_s*1000:.0f} ms); kscratch {ks['writes_per_s']:.0f} writes/s (p50 {ks['p50_ms']} ms, "
      f"p99 {ks['p99_ms']} ms, watch p99 {ks['watch_p99_ms']} ms): {ratio:.2f}x")
print(json.dumps({"bench": "store-vs-etcd", "etcd_writes_per_s": etcd_wps,
                  "etcd_p50_ms": round(etcd_p50, 1), "etcd_p99_ms": round(etcd_p99, 1),
                  "etcd_slowest_ms": round(etcd_slowest_s * 1000, 1), "kscratch_p50_ms": ks["p50_ms"],
                  "kscratch_writes_per_s": ks["writes_per_s"], "kscratch_p99_ms": ks["p99_ms"],
                  "kscratch_watch_p99_ms": ks["watch_p99_ms"], "kscratch_rss_mib": ks["rss_mib"],
                  "ratio": round(ratio, 2)}))
PY
