#!/usr/bin/env bash
# One command to a single-node cluster running example-deployment.yaml.
#
# Builds kscratch and the example's image (from busybox-static, into the node's air-gap
# images directory: no registry needed), starts `kscratch server` (control plane and local
# agent) in the background, applies the example with the real kubectl and waits for its
# pods to run, then asks each for its page on its pod IP. (Reaching them through the
# Service needs the proxy, which is next; see README.md.) Run twice, it reuses the
# running server. scripts/kscratch-killall.sh stops everything.
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

step "building the example image (kscratch.local/hello:1.0) into $DATA/agent/images"
mkdir -p "$DATA/agent/images"
scripts/build-example-image.sh "$DATA/agent/images/hello.tar"

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
step "waiting for the Deployment's pods"
$KUBECTL rollout status deployment/hello --timeout=120s || die "the pods did not become ready; see $LOG"
step "kubectl get deploy,pods -o wide"
$KUBECTL get deploy,pods -o wide
step "each pod answers on its pod IP"
for ip in $($KUBECTL get pods -l app=hello -o jsonpath='{.items[*].status.podIP}'); do
  printf '%s: %s\n' "$ip" "$(curl -fsS --max-time 5 "http://$ip:8080/")"
done
echo
echo "The cluster is up (KUBECONFIG=$KUBECONFIG_FILE); scripts/kscratch-killall.sh stops it."
