#!/usr/bin/env bash
# Issue 8's benchmark: `kscratch kubectl get pods` against the real kubectl 1.32 on a
# namespace of 100 pods, both with warm discovery caches, run alternately. Prints the
# median wall time, CPU time and peak RSS of each, then one JSON line.
#
#   scripts/bench-kubectl.sh [BUILD_DIR] [RUNS]     (defaults: build, 30)
#
# The server runs without an agent (pods stay Pending, which `get pods` prints like any
# other status); its data lives in a temporary directory removed at exit. Builds link
# their libraries statically by default (KSCRATCH_STATIC_DEPS, see CMakeLists.txt): a
# build configured with it OFF starts each command with ~20 dynamic libraries more.
set -euo pipefail
BUILD=${1:-build}
RUNS=${2:-30}
PODS=${PODS:-100}
K=$(realpath "$BUILD/kscratch")
# The versioned binary itself: /usr/bin/kubectl is a dispatcher that first asks the
# server for its version and then runs this one, which would only slow kubectl down.
REAL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
[[ -x $REAL ]] || REAL=$(command -v kubectl)
PORT=${PORT:-16590}

WORK=$(mktemp -d /tmp/kscratch-bench-kubectl.XXXXXX)
SERVER=""
cleanup() {
  [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$K" server --data-dir "$WORK/data" --disable-agent --https-listen-port "$PORT" \
  --write-kubeconfig "$WORK/kubeconfig.yaml" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do grep -q 'serving HTTPS' "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
mkdir -p "$HOME"
for _ in $(seq 50); do "$REAL" get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done

{
  echo '{"apiVersion":"v1","kind":"List","items":['
  for i in $(seq "$PODS"); do
    [[ $i == 1 ]] || echo ','
    echo "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bench-$i\",\"labels\":{\"app\":\"bench\"}},"
    echo "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"command\":[\"sleep\",\"3600\"]}]}}"
  done
  echo ']}'
} >"$WORK/pods.json"
"$REAL" create --validate=false -f "$WORK/pods.json" >/dev/null

python3 - "$K" "$REAL" "$RUNS" "$PODS" <<'PY'
import json, os, re, statistics, subprocess, sys, time

kscratch, real, runs, pods = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
commands = {"kscratch": [kscratch, "kubectl", "get", "pods"], "kubectl": [real, "get", "pods"]}

def run_measured(argv):
    # wait4 gives the child's own peak RSS (ru_maxrss, KiB on Linux).
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{argv} failed with status {status}")
    # The client's own CPU time: unlike the wall time it does not grow with the load of a
    # shared machine, nor include the server's work, which is the same for both clients.
    cpu = (usage.ru_utime + usage.ru_stime) * 1000
    return elapsed * 1000, usage.ru_maxrss / 1024, cpu

# Warm both discovery caches, and check that both print the same table (ages masked).
outputs = {}
for name, argv in commands.items():
    out = subprocess.run(argv, capture_output=True, check=True).stdout.decode()
    outputs[name] = re.sub(r"\b\d+[smhd](\d+[smh])?\b", "AGE", out)
if outputs["kscratch"] != outputs["kubectl"]:
    sys.exit("the two clients print different tables")
lines = outputs["kscratch"].count("\n")
if lines != pods + 1:
    sys.exit(f"expected {pods} pods and a header, got {lines} lines")

samples = {name: [] for name in commands}
for _ in range(runs):
    for name, argv in commands.items():
        samples[name].append(run_measured(argv))

result = {}
for name, values in samples.items():
    result[f"{name}_ms"] = round(statistics.median(v[0] for v in values), 1)
    result[f"{name}_rss_mib"] = round(statistics.median(v[1] for v in values), 1)
    result[f"{name}_cpu_ms"] = round(statistics.median(v[2] for v in values), 1)
result["speedup"] = round(result["kubectl_ms"] / result["kscratch_ms"], 2)
result["cpu_ratio"] = round(result["kubectl_cpu_ms"] / result["kscratch_cpu_ms"], 2)
result["rss_ratio"] = round(result["kubectl_rss_mib"] / result["kscratch_rss_mib"], 2)
result["pods"] = pods
result["runs"] = runs
print(f"{'':10} {'median ms':>10} {'CPU ms':>8} {'peak RSS MiB':>13}")
for name in commands:
    print(f"{name:10} {result[name + '_ms']:>10} {result[name + '_cpu_ms']:>8} {result[name + '_rss_mib']:>13}")
print(f"kscratch kubectl is {result['speedup']}x faster ({result['cpu_ratio']}x less CPU) and "
      f"{result['rss_ratio']}x smaller")
print(json.dumps(result))
PY
