# The API server under hostile input: malformed, oversized, deeply nested and mistyped
# requests, bad credentials, unknown paths, garbage on the wire, aborted handshakes and a
# burst of dropped connections. Every request must get a clear Status with the upstream
# code, the server must stay up and ready after each group, and an object created at the
# start must be unchanged at the end.
source "$(dirname "$0")/lib.sh"
K=$1

PORT=16503
URL=https://127.0.0.1:$PORT
"$K" server --data-dir "$WORK/data" --disable-agent --bind-address 127.0.0.1 --https-listen-port $PORT \
  --write-kubeconfig "$WORK/kubeconfig.yaml" >"$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
wait_for_log "$WORK/server.log" 'serving HTTPS'

# curl needs the kubeconfig's embedded CA, client certificate and key as files.
python3 - "$WORK" <<'PY'
import base64, re, sys
work = sys.argv[1]
text = open(f"{work}/kubeconfig.yaml").read()
for field, name in [("certificate-authority-data", "ca.crt"), ("client-certificate-data", "client.crt"),
                    ("client-key-data", "client.key")]:
    m = re.search(rf"^\s*{field}:\s*(\S+)", text, re.M)
    if not m:
        sys.exit(f"no {field} in the kubeconfig")
    open(f"{work}/{name}", "wb").write(base64.b64decode(m[1]))
PY
TLS=(--cacert "$WORK/ca.crt")
AUTH=(--cert "$WORK/client.crt" --key "$WORK/client.key")
CASE=setup

# call METHOD PATH [curl flags...]: sends one request with the admin client certificate
# (call_anon: with no client certificate) and sets CODE (000 when no response) and BODY.
call() { call_as "${AUTH[@]}" -- "$@"; }
call_anon() { call_as -- "$@"; }
call_as() {
  local creds=()
  while [[ $1 != -- ]]; do creds+=("$1"); shift; done
  shift
  local method=$1 path=$2
  shift 2
  rm -f "$WORK/body"
  set +e
  CODE=$(curl -sS --max-time 30 "${TLS[@]}" "${creds[@]}" -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" \
    "$URL$path" 2>"$WORK/curl.err")
  set -e
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

# A wrong answer is recorded and the remaining cases still run, so one run lists every
# problem; the test fails at the end. A dead or unready server fails at once.
FAILURES=()
wrong() {
  echo "FAIL: $*" >&2
  FAILURES+=("$*")
}

# expect_status CODE [REASON]: the last response has that HTTP code and is a Status
# object (kind Status, status Failure) carrying the same code and reason.
expect_status() {
  local want=$1 reason=${2:-}
  if [[ $CODE != "$want" ]]; then
    wrong "$CASE: HTTP $CODE, want $want; body: ${BODY:0:300}; curl: $(cat "$WORK/curl.err")"
    return
  fi
  # Plain pattern checks (the server writes compact JSON): a Python per case would
  # double the test's time on a busy machine.
  local field
  for field in '"kind":"Status"' '"status":"Failure"' "\"code\":$want[,}]" '"message":"[^"]' \
    ${reason:+"\"reason\":\"$reason\""}; do
    if ! [[ $BODY =~ $field ]]; then
      wrong "$CASE: not a Status with code $want ${reason} (no $field): ${BODY:0:300}"
      return
    fi
  done
}

# expect_client_error: a 4xx Status (for cases where upstream's exact code is not pinned).
expect_client_error() {
  echo "$CASE: HTTP $CODE"
  if [[ $CODE =~ ^4[0-9][0-9]$ ]]; then expect_status "$CODE"; else wrong "$CASE: HTTP $CODE, want 4xx; body: ${BODY:0:300}"; fi
}

# server_alive: the process is running and /readyz answers ok.
server_alive() {
  kill -0 "$SERVER" 2>/dev/null || fail "the server died after '$CASE': $(tail -20 "$WORK/server.log")"
  call GET /readyz
  [[ $CODE == 200 && $BODY == ok ]] || fail "the server is not ready after '$CASE': HTTP $CODE $BODY"
}

for _ in $(seq 50); do call GET /readyz; [[ $CODE == 200 ]] && break; sleep 0.1; done
server_alive
CM=/api/v1/namespaces/default/configmaps
JSON=(-H 'Content-Type: application/json')

# The witness: it must come through every case below unchanged.
CASE="create the witness"
call POST $CM "${JSON[@]}" --data-binary '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"keep"},"data":{"k":"v"}}'
[[ $CODE == 201 ]] || fail "$CASE: HTTP $CODE: $BODY"
WITNESS=$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o["metadata"]["uid"], o["metadata"]["resourceVersion"], json.dumps(o["data"]))' "$WORK/body")

# --- Bodies that do not decode -----------------------------------------------------------
CASE="malformed JSON"
call POST $CM "${JSON[@]}" --data-binary '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":'
expect_status 400 BadRequest
CASE="a body that is not an object"
call POST $CM "${JSON[@]}" --data-binary '[1,2,3]'
expect_status 400 BadRequest
CASE="wrong kind for the path"
call POST $CM "${JSON[@]}" --data-binary '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"wrong"}}'
expect_status 400 BadRequest
CASE="wrong apiVersion for the path"
call POST $CM "${JSON[@]}" --data-binary '{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"wrong"}}'
expect_status 400 BadRequest
CASE="deeply nested JSON (10,000 [)"
head -c 10000 /dev/zero | tr '\0' '[' >"$WORK/deep.json"
call POST $CM "${JSON[@]}" --data-binary @"$WORK/deep.json"
expect_status 400 BadRequest
CASE="deeply nested JSON inside an object's data"
{ printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{"a":'
  head -c 10000 /dev/zero | tr '\0' '['; head -c 10000 /dev/zero | tr '\0' ']'; printf '}}'; } >"$WORK/deep2.json"
call POST $CM "${JSON[@]}" --data-binary @"$WORK/deep2.json"
expect_status 400 BadRequest
CASE="deeply nested YAML (10,000 [)"
call POST $CM -H 'Content-Type: application/yaml' --data-binary @"$WORK/deep.json"
expect_status 400 BadRequest
CASE="YAML alias bomb (billion laughs)"
python3 - "$WORK/bomb.yaml" <<'PY'
import sys
lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
prev = 'a'
for name in "bcdefghi":
    lines.append(f'{name}: &{name} [' + ",".join(["*" + prev] * 9) + ']')
    prev = name
lines.append('data: {x: *i}')
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
call POST $CM -H 'Content-Type: application/yaml' --data-binary @"$WORK/bomb.yaml"
expect_status 400 BadRequest
# Invalid UTF-8 (bytes 0xff 0xfe) in a string: kscratch rejects the body with 400 (its
# JSON parser validates UTF-8). Upstream's decoder (encoding/json) would instead accept
# it with each bad byte replaced by U+FFFD; either is fine, a crash or a store of bytes
# that are not text is not. This pins kscratch's choice.
CASE="invalid UTF-8 in a string"
printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"utf8"},"data":{"k":"\xff\xfe"}}' >"$WORK/utf8.json"
call POST $CM "${JSON[@]}" --data-binary @"$WORK/utf8.json"
expect_status 400 BadRequest
server_alive

# --- Sizes -----------------------------------------------------------------------------
# 3 MiB + 1 of JSON, sent three ways: curl's default (Expect: 100-continue, so the server
# answers before the body is sent), the whole body at once, and chunked (no length known
# up front, so the limit trips part way through).
python3 - "$WORK/big.json" <<'PY'
import sys
head = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"'
tail = '"}}'
size = 3 * 1024 * 1024 + 1
open(sys.argv[1], "w").write(head + "x" * (size - len(head) - len(tail)) + tail)
PY
CASE="body over 3 MiB"
call POST $CM "${JSON[@]}" --data-binary @"$WORK/big.json"
expect_status 413 RequestEntityTooLarge
# client-go never sends Expect: 100-continue. Upstream reads up to the limit + 1 byte and
# then answers 413, so the client, still sending, reads a clean Status.
CASE="body over 3 MiB without Expect: 100-continue"
call POST $CM "${JSON[@]}" -H 'Expect:' --data-binary @"$WORK/big.json"
expect_status 413 RequestEntityTooLarge
CASE="chunked body over 3 MiB"
call POST $CM "${JSON[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big.json"
expect_status 413 RequestEntityTooLarge
# Over 64 KiB the request line alone passes kscratch's header limit; upstream (1 MiB of
# headers) would reach the selector parser and reject the over-long key. Both are 400.
CASE="huge labelSelector (64 KiB + 1)"
SEL=$(head -c $((64 * 1024 + 1)) /dev/zero | tr '\0' 'a')
call GET "$CM?labelSelector=$SEL"
expect_status 400 BadRequest
CASE="huge labelSelector on a watch"
call GET "$CM?watch=true&labelSelector=$SEL"
expect_status 400 BadRequest
CASE="long but malformed labelSelector (60 KiB of '(')"
SEL=$(head -c $((60 * 1024)) /dev/zero | tr '\0' '(')
call GET "$CM?labelSelector=$SEL"
expect_status 400 BadRequest
server_alive

# --- Patches ---------------------------------------------------------------------------
CASE="unknown patch content type"
call PATCH $CM/keep -H 'Content-Type: application/x-unknown-patch' --data-binary '{"data":{"k":"changed"}}'
expect_status 415 UnsupportedMediaType
CASE="JSON patch that is not an array"
call PATCH $CM/keep -H 'Content-Type: application/json-patch+json' \
  --data-binary '{"op":"replace","path":"/data/k","value":"changed"}'
expect_client_error
CASE="malformed merge patch"
call PATCH $CM/keep -H 'Content-Type: application/merge-patch+json' --data-binary '{"data":'
expect_status 400 BadRequest
CASE="deeply nested merge patch"
call PATCH $CM/keep -H 'Content-Type: application/merge-patch+json' --data-binary @"$WORK/deep.json"
expect_status 400 BadRequest
server_alive

# --- Credentials, paths and methods ----------------------------------------------------
CASE="no credentials"
call_anon GET $CM
expect_status 401 Unauthorized
CASE="wrong bearer token"
call_anon GET $CM -H 'Authorization: Bearer not-the-token'
expect_status 401 Unauthorized
CASE="unknown path"
call GET /no/such/path
expect_status 404 NotFound
CASE="unknown resource"
call GET /api/v1/namespaces/default/widgets
expect_status 404 NotFound
CASE="unsupported method on a collection"
call PUT $CM "${JSON[@]}" --data-binary '{}'
expect_status 405 MethodNotAllowed
server_alive

# --- The wire: garbage, aborted handshakes, a burst of dropped connections -------------
# wire MODE: raw-socket cases in Python, where curl cannot go. Each prints what it saw
# and fails (exit 1) if the server kept a connection open that it should have closed.
wire() {
  timeout 60 python3 - "$1" "$PORT" "$WORK" <<'PY'
import os, socket, ssl, struct, sys, time
mode, port, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def tls_context():
    ctx = ssl.create_default_context(cafile=f"{work}/ca.crt")
    ctx.load_cert_chain(f"{work}/client.crt", f"{work}/client.key")
    return ctx

def read_until_closed(s, seconds=15):
    """Everything the server sends until it closes; fails if it does not within seconds."""
    s.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    except (ConnectionResetError, ssl.SSLError):
        return data
    except socket.timeout:
        sys.exit(f"{mode}: the server kept the connection open {seconds}s after bad input")

def drop(s):
    """Closes with a TCP reset (SO_LINGER 0), the rudest way to leave."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()

if mode == "garbage-over-tls":
    s = tls_context().wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1")
    s.sendall(os.urandom(8192) + b"\r\n\r\n")
    got = read_until_closed(s)
    print(f"{mode}: closed after {len(got)} bytes: {got[:60]!r}")
elif mode == "garbage-instead-of-tls":
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(4096))
    got = read_until_closed(s)
    print(f"{mode}: closed after {len(got)} bytes")
elif mode == "aborted-handshake":
    # A ClientHello cut off part way, then a reset; and one cut off then closed cleanly.
    hello = bytes.fromhex("16030100c4010000c00303") + os.urandom(32)
    for close in (drop, socket.socket.close):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(hello)
        close(s)
    # A real handshake interrupted by a reset in the middle: the client's first flight only.
    ctx = tls_context()
    raw = socket.create_connection(("127.0.0.1", port))
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="127.0.0.1")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    raw.sendall(out.read())
    raw.recv(65536)
    drop(raw)
    print(f"{mode}: three handshakes aborted")
elif mode == "burst":
    # 200 connections open at once: a third bare TCP, a third TLS with half a request,
    # a third TLS idle; then all reset together.
    ctx = tls_context()
    socks = []
    for i in range(200):
        s = socket.create_connection(("127.0.0.1", port))
        if i % 3:
            s = ctx.wrap_socket(s, server_hostname="127.0.0.1")
            if i % 3 == 1:
                s.sendall(b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        socks.append(s)
    for s in socks:
        drop(s)
    print(f"{mode}: 200 connections opened and dropped")
PY
}

fd_count() { ls "/proc/$SERVER/fd" | wc -l; }
FDS_BEFORE=$(fd_count)
CASE="garbage bytes over the TLS connection"
expect_exit 0 wire garbage-over-tls
echo "$OUT"
server_alive
CASE="garbage bytes instead of a TLS handshake"
expect_exit 0 wire garbage-instead-of-tls
server_alive
CASE="aborted TLS handshakes"
expect_exit 0 wire aborted-handshake
server_alive
CASE="200 concurrent connections opened and dropped"
expect_exit 0 wire burst
server_alive
# Every dropped connection's descriptor is released (give the loop a moment to see the resets).
for _ in $(seq 50); do (($(fd_count) <= FDS_BEFORE + 2)) && break; sleep 0.1; done
(($(fd_count) <= FDS_BEFORE + 2)) || fail "the server holds $(fd_count) descriptors after the burst, $FDS_BEFORE before"

# --- Nothing lost ----------------------------------------------------------------------
CASE="the witness at the end"
call GET $CM/keep
[[ $CODE == 200 ]] || fail "$CASE: HTTP $CODE: $BODY"
NOW=$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o["metadata"]["uid"], o["metadata"]["resourceVersion"], json.dumps(o["data"]))' "$WORK/body")
[[ $NOW == "$WITNESS" ]] || fail "the witness changed: '$WITNESS' became '$NOW'"
call GET $CM
[[ $CODE == 200 ]] || fail "listing ConfigMaps at the end: HTTP $CODE: $BODY $(cat "$WORK/curl.err")"
python3 -c 'import json,sys; names=[i["metadata"]["name"] for i in json.load(open(sys.argv[1]))["items"]]; sys.exit(names != ["keep"])' "$WORK/body" ||
  fail "bad input created objects: $BODY"
kill -0 "$SERVER" || fail "the server died"
((${#FAILURES[@]} == 0)) || fail "${#FAILURES[@]} case(s) got a wrong answer:$(printf '\n  %s' "${FAILURES[@]}")"
echo "apiserver under bad input: ok"
