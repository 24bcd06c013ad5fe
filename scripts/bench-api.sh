#!/usr/bin/env bash
# API benchmark: starts a kscratch server (agent disabled) on a free loopback port in a
# temporary data dir, waits for /readyz, runs kscratch-bench api against it with the
# admin kubeconfig, and prints its output, whose last line is the JSON result:
#   {"bench":"api","clients":C,"seconds":S,"creates_per_s":..,"create_p99_ms":..,
#    "get_p99_ms":..,"list_p99_ms":..,"watch_p99_ms":..,"rss_mib":..,...}
#
#   scripts/bench-api.sh [--clients C] [--seconds S] [extra kscratch-bench api flags...]
# KSCRATCH and BENCH name the binaries (default build/kscratch, build/kscratch-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=100
SECONDS_RUN=20
EXTRA=()
while (($#)); do
  case $1 in
    --clients) CLIENTS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done

KSCRATCH=${KSCRATCH:-build/kscratch}
BENCH=${BENCH:-build/kscratch-bench}
for bin in "$KSCRATCH" "$BENCH"; do
  [[ -x $bin ]] || { echo "bench-api: $bin not built (cmake --build build)" >&2; exit 1; }
done

# /var/tmp: the same kind of disk as the default data dir, unlike a tmpfs /tmp.
WORK=$(mktemp -d /var/tmp/kscratch-api-bench.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A port nobody listens on now (the kernel picks it; a race with another process binding
# it in the next instant is possible but harmless: the server then fails to start).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$KSCRATCH" server --data-dir "$WORK/data" --disable-agent --bind-address 127.0.0.1 \
  --https-listen-port "$PORT" --write-kubeconfig "$WORK/kubeconfig.yaml" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# /readyz needs credentials: the kubeconfig's embedded CA, certificate and key as files.
for _ in $(seq 100); do [[ -s $WORK/kubeconfig.yaml ]] && break; sleep 0.1; done
python3 - "$WORK" <<'PY'
import base64, re, sys
work = sys.argv[1]
text = open(f"{work}/kubeconfig.yaml").read()
for field, name in [("certificate-authority-data", "ca.crt"), ("client-certificate-data", "client.crt"),
                    ("client-key-data", "client.key")]:
    m = re.search(rf"^\s*{field}:\s*(\S+)", text, re.M)
    if not m:
        sys.exit(f"bench-api: no {field} in the kubeconfig")
    open(f"{work}/{name}", "wb").write(base64.b64decode(m[1]))
PY
ready=
for _ in $(seq 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  if curl -sf --cacert "$WORK/ca.crt" --cert "$WORK/client.crt" --key "$WORK/client.key" \
    "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.1
done
[[ -n $ready ]] || { echo "bench-api: the server did not become ready:" >&2; cat "$WORK/server.log" >&2; exit 1; }

echo "=== kscratch-bench api --clients $CLIENTS --seconds $SECONDS_RUN (server pid $SERVER_PID, port $PORT)"
status=0
"$BENCH" api --clients "$CLIENTS" --seconds "$SECONDS_RUN" --kubeconfig "$WORK/kubeconfig.yaml" \
  --server-pid "$SERVER_PID" "${EXTRA[@]}" || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "bench-api: the server died during the benchmark:" >&2
  tail -20 "$WORK/server.log" >&2
  SERVER_PID=
  exit 1
fi
exit "$status"
