# The server process: starts, opens its store, refuses a second server on the same data
# dir, stops cleanly on SIGTERM and SIGINT, restarts on the same data, and refuses a
# corrupted or foreign database with a clear message.
source "$(dirname "$0")/lib.sh"
K=$1
DATA=$WORK/data

start_server() {
  "$K" server --data-dir "$DATA" --disable-agent -v=2 --https-listen-port 16501 \
    --write-kubeconfig "$WORK/kubeconfig.yaml" >"$WORK/server.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  wait_for_log "$WORK/server.log" 'kscratch server running'
}

stop_server() {
  local signal=$1
  kill "-$signal" "$SERVER"
  local code=0
  for _ in $(seq 100); do
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$SERVER" 2>/dev/null && fail "server did not stop within 10s of SIG$signal"
  wait "$SERVER" || code=$?
  [[ $code == 0 ]] || fail "server exited $code after SIG$signal: $(cat "$WORK/server.log")"
  grep -q "stopping: received signal SIG$signal" "$WORK/server.log" || fail "no stop message for SIG$signal"
}

start_server
[[ -f $DATA/server/db/state.db ]] || fail "no store at $DATA/server/db/state.db"

expect_exit 1 "$K" server --data-dir "$DATA" --disable-agent --https-listen-port 16501 \
  --write-kubeconfig "$WORK/kubeconfig2.yaml"
expect_output "in use by another kscratch process"
[[ $(stat -c %a "$WORK/kubeconfig.yaml") == 600 ]] || fail "kubeconfig is not mode 0600"
[[ -s $DATA/server/token ]] || fail "no join token at $DATA/server/token"

stop_server TERM
start_server
grep -Eq "at revision [1-9][0-9]* " "$WORK/server.log" || fail "restart did not reopen the store (with its default namespaces and the kubernetes service)"
stop_server INT

# A file that is not a database.
rm -rf "$DATA/server/db"
mkdir -p "$DATA/server/db"
head -c 100000 /dev/urandom >"$DATA/server/db/state.db"
expect_exit 1 "$K" server --data-dir "$DATA" --write-kubeconfig "$WORK/kubeconfig.yaml"
expect_output "state.db"
expect_output "cannot open the store"

# Another application's SQLite database.
rm -f "$DATA/server/db/state.db"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()" \
  "$DATA/server/db/state.db"
expect_exit 1 "$K" server --data-dir "$DATA" --write-kubeconfig "$WORK/kubeconfig.yaml"
expect_output "another application"
echo "server lifecycle: ok"
