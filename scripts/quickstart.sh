#!/usr/bin/env bash
# One command to a working single-node cluster running example-deployment.yaml.
#
# Coming: the cluster cannot run pods yet (the kubelet and proxy are still being built;
# see README.md). For now this installs the dependencies, builds kscratch, and starts
# the control plane's store so that you can see the server come up and stop cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> installing dependencies"
scripts/install-deps.sh
echo "==> building"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target kscratch

DATA=${KSCRATCH_DATA_DIR:-/var/lib/kscratch}
LOG=${KSCRATCH_LOG:-/var/log/kscratch-quickstart.log}
echo "==> starting kscratch server (data in $DATA, log in $LOG) for 3 seconds"
build/kscratch server --data-dir "$DATA" --disable-agent >"$LOG" 2>&1 &
pid=$!
sleep 3
kill -TERM "$pid"
if wait "$pid"; then
  echo "==> the server started and stopped cleanly:"
  cat "$LOG"
  echo
  echo "The full quick start (apply example-deployment.yaml, reach it through its Service) is coming."
else
  echo "==> the server failed; its log is $LOG:" >&2
  cat "$LOG" >&2
  exit 1
fi
