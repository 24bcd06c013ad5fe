#!/usr/bin/env bash
# Removes what packaging/install.sh installed (installed as kscratch-uninstall.sh, as
# k3s-uninstall.sh is): stops kscratch and everything it started (kscratch-killall.sh),
# removes the systemd units and their env files, the binary, the kubectl symlink, the
# scripts, /etc/kscratch and the data (/var/lib/kscratch, or the units' --data-dir).
#
#   sudo kscratch-uninstall.sh
#   INSTALL_ROOT=/tmp/root /tmp/root/usr/local/bin/kscratch-uninstall.sh   a scratch root:
#       nothing is stopped (processes are not rooted), only files under the root go
set -euo pipefail

info() { echo "[INFO]  $*"; }
fatal() { echo "[ERROR] $*" >&2; exit 1; }

case ${1:-} in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) fatal "unknown argument '$1'" ;;
esac

root=${INSTALL_ROOT:-}
root=${root%/}
systemd_dir=${INSTALL_KSCRATCH_SYSTEMD_DIR:-/etc/systemd/system}
# The binaries are beside this script (with the root taken off), unless told otherwise.
self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin_dir=${INSTALL_KSCRATCH_BIN_DIR:-}
if [[ -z $bin_dir ]]; then
  bin_dir=/usr/local/bin
  if [[ -z $root && -e $self_dir/kscratch ]]; then
    bin_dir=$self_dir
  elif [[ -n $root && $self_dir == "$root"/* && -e $self_dir/kscratch ]]; then
    bin_dir=${self_dir#"$root"}
  fi
fi

if [[ -z $root ]]; then
  [[ $EUID -eq 0 ]] || fatal "run as root (or set INSTALL_ROOT to uninstall from a directory)"
  # Files the .deb owns are dpkg's to remove.
  if command -v dpkg-query >/dev/null && dpkg-query -S "$bin_dir/kscratch" >/dev/null 2>&1; then
    fatal "$bin_dir/kscratch belongs to the kscratch package: run 'apt-get purge kscratch'"
  fi
fi

units=(kscratch kscratch-agent)

# Data directories: the default, and any --data-dir the units were given.
data_dirs=(/var/lib/kscratch)
for unit in "${units[@]}"; do
  f=$root$systemd_dir/$unit.service
  [[ -f $f ]] || continue
  while read -r d; do
    [[ -n $d ]] && data_dirs+=("$d")
  done < <(sed -n '/^ExecStart=/,/[^\\]$/p' "$f" | sed 's/\\$//' | tr -s ' \n' ' ' |
    grep -oE -- ' (--data-dir|-d)[= ]+"?[^ "]+' | sed -E 's/^ (--data-dir|-d)[= ]+"?//')
done

# 1. Stop: the services, then everything kscratch started. Not for a scratch root.
if [[ -z $root ]]; then
  if [[ -d /run/systemd/system ]]; then
    for unit in "${units[@]}"; do
      if [[ -f $systemd_dir/$unit.service ]]; then
        info "stopping and disabling $unit"
        systemctl disable --now "$unit" >/dev/null 2>&1 || true
      fi
    done
  fi
  if [[ -x $bin_dir/kscratch-killall.sh ]]; then
    info "running kscratch-killall.sh"
    "$bin_dir/kscratch-killall.sh" || true
  fi
else
  info "uninstalling from $root: no processes are stopped"
fi

# 2. The units and their env files.
for unit in "${units[@]}"; do
  for f in "$root$systemd_dir/$unit.service" "$root$systemd_dir/$unit.service.env"; do
    if [[ -e $f ]]; then rm -f "$f"; info "removed ${f#"$root"}"; fi
  done
done
if [[ -z $root && -d /run/systemd/system ]]; then
  systemctl daemon-reload
  systemctl reset-failed kscratch kscratch-agent >/dev/null 2>&1 || true
fi

# 3. The kubectl symlink, only if it is ours.
link=$root$bin_dir/kubectl
if [[ -L $link && $(readlink "$link") == *kscratch ]]; then
  rm -f "$link"
  info "removed $bin_dir/kubectl"
fi

# 4. Configuration and data.
for d in /etc/kscratch "${data_dirs[@]}"; do
  # Never a top-level directory, whatever a unit said.
  [[ $d == /*/* ]] || continue
  if [[ -e $root$d ]]; then
    # Mounts left under the data (if killall could not run) would take rm into them.
    if [[ -z $root ]] && awk -v d="$d" '$5 == d || index($5, d "/") == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
      info "keeping $d: something is still mounted under it"
      continue
    fi
    rm -rf "$root$d"
    info "removed $d"
  fi
done

# 5. The binaries and the scripts, this one last.
for f in kscratch kscratch-killall.sh; do
  if [[ -e $root$bin_dir/$f ]]; then rm -f "$root$bin_dir/$f"; info "removed $bin_dir/$f"; fi
done
if [[ -e $root$bin_dir/kscratch-uninstall.sh ]]; then
  rm -f "$root$bin_dir/kscratch-uninstall.sh"
  info "removed $bin_dir/kscratch-uninstall.sh"
fi
info "kscratch is uninstalled"
