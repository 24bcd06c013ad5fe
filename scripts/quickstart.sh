#!/usr/bin/env bash
# One command to a single-node cluster running example-deployment.yaml.
#
# Today kscratch runs the control plane's store and API server: this script builds it,
# starts `kscratch server` in the background, and applies the example with the real
# kubectl, so you can see the Deployment and Service the API holds. Pods do not run yet
# (the scheduler, controllers, kubelet and proxy are being built; see README.md).
# Run twice, it reuses the running server.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KSCRATCH_DATA_DIR:-/var/lib/kscratch}
LOG=${KSCRATCH_LOG:-/var/log/kscratch.log}
KUBECONFIG_FILE=${KSCRATCH_KUBECONFIG:-/etc/kscratch/kubeconfig.yaml}
export KUBECONFIG=$KUBECONFIG_FILE

step() { printf '==> %s\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

step "installing dependencies"
scripts/install-deps.sh >/dev/null
step "building (build/kscratch)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target kscratch >/dev/null

if pgrep -f "build/kscratch server" >/dev/null; then
  step "kscratch server is already running"
else
  step "starting kscratch server (data in $DATA, log in $LOG)"
  nohup build/kscratch server --data-dir "$DATA" --write-kubeconfig "$KUBECONFIG_FILE" >"$LOG" 2>&1 &
fi
KUBECTL="kubectl"
command -v kubectl >/dev/null || KUBECTL="build/kscratch kubectl"
for _ in $(seq 100); do
  $KUBECTL get --raw /readyz >/dev/null 2>&1 && break
  sleep 0.1
done
$KUBECTL get --raw /readyz >/dev/null 2>&1 || die "the API server did not become ready; see $LOG"

step "kubectl apply -f example-deployment.yaml"
$KUBECTL apply -f example-deployment.yaml
step "kubectl get deploy,svc -o wide"
$KUBECTL get deploy,svc -o wide
echo
echo "The cluster's API is up (KUBECONFIG=$KUBECONFIG_FILE). Pods will run once the kubelet lands."
