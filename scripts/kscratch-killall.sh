#!/usr/bin/env bash
# Stops kscratch and removes everything it started on this host (as k3s-killall.sh does):
# server and agent processes, container monitors, runc containers, their mounts, pod
# network namespaces, veths and bridges, nftables tables (pod network and proxy), cgroups
# and run directories.
# Data (images, the store, certificates) stays.
#
#   sudo scripts/kscratch-killall.sh                    every kscratch instance
#   sudo scripts/kscratch-killall.sh --data-dir DIR     only the instance using DIR
set -uo pipefail

data_dir=""
while (($#)); do
  case $1 in
    --data-dir) data_dir=${2:?--data-dir needs a directory}; shift 2 ;;
    --data-dir=*) data_dir=${1#--data-dir=}; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "kscratch-killall: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "kscratch-killall: run as root" >&2; exit 1; }
[[ -z $data_dir ]] || data_dir=$(realpath -m "$data_dir")

# Processes whose command line (NUL-separated) matches: kscratch server/agent of the data
# dir (or all), and the monitors of their containers.
pids_matching() {
  local pattern=$1 pid cmd
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $pid == "$$" ]] && continue
    # Processes come and go while we look: one that is gone is skipped quietly.
    cmd=$( { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || continue
    [[ $cmd =~ $pattern ]] && echo "$pid"
  done
}

# Every agent's names: from its data dir, or from every run dir.
env_files=()
if [[ -n $data_dir ]]; then
  [[ -f $data_dir/agent/host-names.env ]] && env_files+=("$data_dir/agent/host-names.env")
else
  for f in /run/kscratch-*/host-names.env; do [[ -f $f ]] && env_files+=("$f"); done
fi

# 1. The kscratch processes themselves, so nothing restarts what is removed below.
if [[ -n $data_dir ]]; then
  pattern="kscratch (server|agent) .*(--data-dir[= ]|-d )$data_dir( |$)"
else
  pattern="kscratch (server|agent)( |$)"
fi
for pid in $(pids_matching "$pattern"); do kill -KILL "$pid" 2>/dev/null; done

for env in "${env_files[@]}"; do
  # shellcheck disable=SC1090
  (
    source "$env"
    echo "kscratch-killall: node $NODE_NAME (tag $TAG)"
    root=$RUN_DIR/runc
    # 2. Monitors, then the containers (runc kills and deletes them).
    for pid in $(pids_matching "kscratch monitor .*$root"); do kill -KILL "$pid" 2>/dev/null; done
    if [[ -d $root ]]; then
      for id in $(runc --root "$root" list -q 2>/dev/null); do
        runc --root "$root" kill "$id" KILL 2>/dev/null
        runc --root "$root" delete --force "$id" 2>/dev/null
      done
    fi
    # 3. Mounts under the agent's directories, deepest first.
    for dir in "$DATA_DIR/agent" "$RUN_DIR"; do
      awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
    done
    # 4. The pod network: veths, the bridge, the masquerade table; the proxy's table.
    for link in $(ls /sys/class/net); do
      [[ $link == "$VETH_PREFIX"* ]] && ip link del "$link" 2>/dev/null
    done
    ip link del "$BRIDGE" 2>/dev/null
    nft delete table ip "$NFT_TABLE" 2>/dev/null
    nft delete table ip "${PROXY_TABLE:-kscratch-proxy-$TAG}" 2>/dev/null
    # 5. Cgroups of the pods, in every hierarchy, deepest first.
    for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
      [[ -d $h${CGROUP_PARENT#/} ]] || continue
      find "$h${CGROUP_PARENT#/}" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    # 6. State that described what is now gone.
    rm -rf "$RUN_DIR" "$DATA_DIR/agent/containers" "$DATA_DIR/agent/network" "$DATA_DIR/agent/kubelet/pods"
  )
done
exit 0
