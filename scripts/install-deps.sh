#!/usr/bin/env bash
# Installs, idempotently, every Debian package kscratch needs to build, test and run.
# Packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  # Toolchain.
  build-essential cmake pkg-config ccache
  # Libraries named by the design card (all Debian 12 packages).
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev libboost-program-options1.81-dev
  libyaml-cpp-dev libsqlite3-dev libnl-3-dev libnl-route-3-dev libnl-nf-3-dev
  libfmt-dev catch2 libssl-dev
  # The binary's allocator (mimalloc: the API's small short-lived JSON and HTTP objects).
  libmimalloc-dev
  # The node: image layers (libarchive), masquerade and proxy rules (libnftnl; libnl-nf
  # above for conntrack), and what a kubelet runs containers with.
  libarchive-dev liblz4-dev libacl1-dev libnftnl-dev libmnl-dev runc
  # Tools the tests use: a registry and image tools (no registry is reachable from CI),
  # busybox for test images, iproute2 / nftables to inspect what the node set up.
  procps python3 curl docker-registry skopeo umoci busybox-static zstd iproute2 nftables
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $EUID -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root (sudo $0)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
