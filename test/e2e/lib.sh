# Helpers shared by the shell end-to-end tests. Each test sources this file, gets a
# scratch directory in $WORK that is removed on exit, and fails with a message naming
# what went wrong.
set -euo pipefail

WORK=$(mktemp -d /tmp/kscratch-e2e.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_exit CODE CMD...: runs CMD, capturing stdout+stderr in $OUT, and checks its exit code.
expect_exit() {
  local want=$1
  shift
  set +e
  OUT=$("$@" 2>&1)
  local got=$?
  set -e
  [[ $got == "$want" ]] || fail "'$*' exited $got, want $want; output: $OUT"
}

# expect_output PATTERN: the last command's output matches the extended regex.
expect_output() {
  grep -Eq -- "$1" <<<"$OUT" || fail "output does not match '$1': $OUT"
}

# wait_for_log FILE PATTERN [SECONDS]
wait_for_log() {
  local file=$1 pattern=$2 secs=${3:-10}
  for _ in $(seq $((secs * 10))); do
    grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no '$pattern' in $file after ${secs}s: $(cat "$file")"
}

# wait_until SECONDS WHAT CMD...: reruns CMD (capturing stdout+stderr in $OUT) every 0.2 s
# until it succeeds; fails naming WHAT and the last output after SECONDS.
wait_until() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  while :; do
    set +e
    OUT=$("$@" 2>&1)
    local got=$?
    set -e
    [[ $got == 0 ]] && return 0
    ((SECONDS < deadline)) || fail "$what: not after ${secs}s; last output: $OUT"
    sleep 0.2
  done
}

# start_server_for_kubectl K PORT [FLAGS...]: starts `K server --disable-agent` on PORT
# with its data and kubeconfig under $WORK (extra flags appended), waits until it serves
# and is ready, and points kubectl at it with a fresh HOME (kubectl caches discovery there).
start_server_for_kubectl() {
  local k=$1 port=$2
  shift 2
  "$k" server --data-dir "$WORK/data" --disable-agent --https-listen-port "$port" \
    --write-kubeconfig "$WORK/kubeconfig.yaml" "$@" >"$WORK/server.log" 2>&1 &
  PIDS+=($!)
  wait_for_log "$WORK/server.log" 'serving HTTPS'
  export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
  mkdir -p "$HOME"
  for _ in $(seq 50); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done
}

# driver_node DRIVER NAME PORT LOG CONTAINER: the kubelet server driver (the real kubelet
# HTTPS server with a fake runtime that runs commands on the host; test/e2e/kubelet) on
# PORT, serving CONTAINER ("ns/pod/container") with LOG as its CRI log file, and a Node
# NAME whose status points at it as a kubelet publishes it. The driver's own output goes
# to $WORK/NAME-driver.log.
driver_node() {
  local driver=$1 name=$2 port=$3 log=$4 container=$5
  "$driver" "$port" "$WORK/$name-pki" "$WORK/data/server/tls/server-ca.crt" "$log" "$container" \
    >"$WORK/$name-driver.log" 2>&1 &
  PIDS+=($!)
  wait_for_log "$WORK/$name-driver.log" 'serving HTTPS'
  printf 'apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\n' "$name" >"$WORK/$name.yaml"
  expect_exit 0 kubectl create -f "$WORK/$name.yaml"
  expect_exit 0 kubectl patch node "$name" --subresource=status --type=merge -p "{\"status\":{
    \"addresses\":[{\"type\":\"Hostname\",\"address\":\"$name\"},{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],
    \"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":$port}}}}"
}
