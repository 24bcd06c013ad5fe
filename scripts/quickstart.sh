#!/usr/bin/env bash
# One command to a single-node cluster running example-deployment.yaml.
#
# Installs dependencies, builds kscratch and the example's image (from busybox-static,
# into the node's air-gap images directory: no registry needed), starts `kscratch server`
# (control plane and local agent) in the background, waits for the node to be Ready,
# applies the example with the real kubectl (or `kscratch kubectl` without one), waits for
# the rollout, then sends 10 requests to the Service's ClusterIP and 10 to its NodePort and
# shows which pod answered each. Exits 0 only when at least 2 different pods answered.
# Run twice, it reuses the running server. scripts/kscratch-killall.sh stops everything.
#
#   sudo scripts/quickstart.sh
#
# Settings (environment): KSCRATCH_DATA_DIR (/var/lib/kscratch), KSCRATCH_LOG
# (/var/log/kscratch.log), KSCRATCH_KUBECONFIG (/etc/kscratch/kubeconfig.yaml),
# KSCRATCH_SERVER_FLAGS (more `kscratch server` flags), NO_BUILD=1 with KSCRATCH=PATH
# to use a binary as it is (the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KSCRATCH_DATA_DIR:-/var/lib/kscratch}
LOG=${KSCRATCH_LOG:-/var/log/kscratch.log}
KUBECONFIG_FILE=${KSCRATCH_KUBECONFIG:-/etc/kscratch/kubeconfig.yaml}
KSCRATCH=${KSCRATCH:-build/kscratch}
read -r -d "" -a SERVER_FLAGS <<<"${KSCRATCH_SERVER_FLAGS:-}" || true  # words over any lines
export KUBECONFIG=$KUBECONFIG_FILE

step() { printf '==> %s\n' "$*"; }
die() {
  printf 'quickstart: %s\n' "$*" >&2
  printf 'quickstart: the server log is %s\n' "$LOG" >&2
  exit 1
}
# Waits up to $1 seconds for a command to succeed.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

[[ $EUID -eq 0 ]] || die "run as root (containers, network namespaces and nftables need it)"

if [[ -z ${NO_BUILD:-} ]]; then
  step "installing dependencies (scripts/install-deps.sh)"
  scripts/install-deps.sh >/dev/null
  step "building $KSCRATCH (a few minutes the first time)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)" --target kscratch >/dev/null
fi
[[ -x $KSCRATCH ]] || die "$KSCRATCH is not built"

IMAGE_TAR=$DATA/agent/images/hello.tar
if [[ -s $IMAGE_TAR ]]; then
  step "the example image is in $IMAGE_TAR"
else
  step "building the example image (kscratch.local/hello:1.0) into $IMAGE_TAR"
  mkdir -p "$(dirname "$IMAGE_TAR")"
  scripts/build-example-image.sh "$IMAGE_TAR"
fi

KUBECTL=(kubectl)
command -v kubectl >/dev/null || KUBECTL=("$KSCRATCH" kubectl)
if "${KUBECTL[@]}" get --raw /readyz >/dev/null 2>&1; then
  step "kscratch server is already running (KUBECONFIG=$KUBECONFIG_FILE)"
else
  step "starting kscratch server (data in $DATA, log in $LOG)"
  mkdir -p "$(dirname "$LOG")"
  nohup "$KSCRATCH" server --data-dir "$DATA" --write-kubeconfig "$KUBECONFIG_FILE" "${SERVER_FLAGS[@]}" \
    >>"$LOG" 2>&1 &
  wait_for 30 "${KUBECTL[@]}" get --raw /readyz || die "the API server did not become ready"
fi

step "waiting for the node to be Ready"
# Outputs are captured before they are matched: under pipefail, `cmd | grep -q` fails
# whenever grep has its match and leaves before cmd has written everything.
node_ready() {
  local ready
  ready=$("${KUBECTL[@]}" get nodes -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}') &&
    [[ " $ready " == *" True "* ]]
}
wait_for 60 node_ready || die "no node became Ready"
"${KUBECTL[@]}" get nodes -o wide

step "${KUBECTL[*]} apply -f example-deployment.yaml"
"${KUBECTL[@]}" apply -f example-deployment.yaml
step "waiting for the rollout"
"${KUBECTL[@]}" rollout status deployment/hello --timeout=120s || die "the pods did not become ready"
step "${KUBECTL[*]} get pods -o wide; get svc"
"${KUBECTL[@]}" get pods -l app=hello -o wide
"${KUBECTL[@]}" get svc hello

CLUSTER_IP=$("${KUBECTL[@]}" get svc hello -o jsonpath='{.spec.clusterIP}')
PORT=$("${KUBECTL[@]}" get svc hello -o jsonpath='{.spec.ports[0].port}')
NODE_PORT=$("${KUBECTL[@]}" get svc hello -o jsonpath='{.spec.ports[0].nodePort}')
# The NodePort answers on the node's own addresses (not 127.0.0.1, as upstream's
# nftables proxy).
NODE_IP=$("${KUBECTL[@]}" get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')

# The Service reaches the proxy's table a moment after it exists, its endpoints a moment
# after the pods turn Ready. No request goes out before the table handles the address
# (the host would route it out of its default route until then).
PROXY_TABLE=$(sed -n 's/^PROXY_TABLE=//p' "$DATA/agent/host-names.env" 2>/dev/null | tr -d "'\"")
[[ -n $PROXY_TABLE ]] || die "no PROXY_TABLE in $DATA/agent/host-names.env: is the local agent running?"
in_table() {
  local rules
  rules=$(nft list table ip "$PROXY_TABLE") && [[ $rules == *"$CLUSTER_IP "* ]]
}
wait_for 10 in_table ||
  die "the proxy did not program $CLUSTER_IP into table $PROXY_TABLE ($(nft list table ip "$PROXY_TABLE" 2>&1 | tail -n 1))"
wait_for 10 curl -fsS --max-time 2 "http://$CLUSTER_IP:$PORT/" || die "the ClusterIP $CLUSTER_IP:$PORT does not answer"

declare -A answered=()
ask() {
  local what=$1 url=$2 reply
  step "10 requests to the $what ($url)"
  for i in $(seq 10); do
    if reply=$(curl -fsS --max-time 5 "$url"); then
      printf '  %2d  %s\n' "$i" "$reply"
      answered[$reply]=1
    else
      printf '  %2d  (no answer)\n' "$i"
    fi
  done
}
ask "ClusterIP" "http://$CLUSTER_IP:$PORT/"
ask "NodePort" "http://$NODE_IP:$NODE_PORT/"

echo
((${#answered[@]} >= 2)) || die "only ${#answered[@]} pod(s) answered; the Service should spread requests over 3"
echo "${#answered[@]} pods answered. The cluster is up (KUBECONFIG=$KUBECONFIG_FILE);"
echo "scripts/kscratch-killall.sh stops it."
