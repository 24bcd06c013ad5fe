#!/usr/bin/env bash
# Installs kscratch on this machine, in the spirit of k3s's install.sh: the binary, a
# kubectl symlink, kscratch-killall.sh and kscratch-uninstall.sh, and a systemd unit for
# the server (kscratch.service) or the agent (kscratch-agent.service) with its env file.
# It installs a binary you built; it downloads nothing.
#
#   sudo packaging/install.sh                                   a server
#   sudo packaging/install.sh --agent --server https://HOST:6443 --token T
#   sudo packaging/install.sh -- --disable-agent                flags after -- go to the unit
#   INSTALL_ROOT=/tmp/root packaging/install.sh                 into a scratch root
#
# Options:
#   --binary PATH          the kscratch binary (default: build/kscratch of this checkout)
#   --agent                install the agent (implied by --server or KSCRATCH_URL)
#   --server URL           the server an agent joins (written to the env file as KSCRATCH_URL)
#   --token TOKEN          the join token (written to the env file as KSCRATCH_TOKEN, mode 0600)
#   --kubectl-symlink      link kubectl to kscratch even if a kubectl is on PATH
#   --no-kubectl-symlink   never link kubectl
#   --skip-enable, --skip-start   leave the unit disabled / stopped
#   --print-unit server|agent     print the unit to stdout and exit (the .deb's units)
#
# Environment (as k3s's INSTALL_K3S_* and K3S_*):
#   INSTALL_ROOT                     prefix for every path written (tests, image builds)
#   INSTALL_KSCRATCH_EXEC            "server|agent [flags]"; flags alone mean server
#                                    (or agent when KSCRATCH_URL is set)
#   INSTALL_KSCRATCH_BIN_DIR         default /usr/local/bin
#   INSTALL_KSCRATCH_SYSTEMD_DIR     default /etc/systemd/system
#   INSTALL_KSCRATCH_SYMLINK         skip | force
#   INSTALL_KSCRATCH_SKIP_ENABLE, INSTALL_KSCRATCH_SKIP_START   true to skip
#   KSCRATCH_*                       kept in the unit's env file (KSCRATCH_URL, KSCRATCH_TOKEN,
#                                    KSCRATCH_OPTS: extra flags the unit appends)
set -euo pipefail

info() { echo "[INFO]  $*"; }
fatal() { echo "[ERROR] $*" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

# --- Arguments and environment --------------------------------------------------------
binary=""
role=""
url=${KSCRATCH_URL:-}
token=${KSCRATCH_TOKEN:-}
symlink=${INSTALL_KSCRATCH_SYMLINK:-}
skip_enable=${INSTALL_KSCRATCH_SKIP_ENABLE:-false}
skip_start=${INSTALL_KSCRATCH_SKIP_START:-false}
print_unit=""
extra=()
while (($#)); do
  case $1 in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --binary=*) binary=${1#*=}; shift ;;
    --agent) role=agent; shift ;;
    --server) url=${2:?--server needs a URL}; shift 2 ;;
    --server=*) url=${1#*=}; shift ;;
    --token) token=${2:?--token needs a token}; shift 2 ;;
    --token=*) token=${1#*=}; shift ;;
    --kubectl-symlink) symlink=force; shift ;;
    --no-kubectl-symlink) symlink=skip; shift ;;
    --skip-enable) skip_enable=true; shift ;;
    --skip-start) skip_start=true; shift ;;
    --print-unit) print_unit=${2:?--print-unit needs server or agent}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    *) fatal "unknown argument '$1' (flags for kscratch go after --)" ;;
  esac
done

root=${INSTALL_ROOT:-}
root=${root%/}
bin_dir=${INSTALL_KSCRATCH_BIN_DIR:-/usr/local/bin}
systemd_dir=${INSTALL_KSCRATCH_SYSTEMD_DIR:-/etc/systemd/system}

# INSTALL_KSCRATCH_EXEC: a leading "server" or "agent" picks the role, the rest are flags.
if [[ -n ${INSTALL_KSCRATCH_EXEC:-} ]]; then
  read -r -a exec_words <<<"$INSTALL_KSCRATCH_EXEC"
  case ${exec_words[0]} in
    server|agent) [[ -n $role ]] || role=${exec_words[0]}; exec_words=("${exec_words[@]:1}") ;;
  esac
  extra=("${exec_words[@]}" "${extra[@]}")
fi
# As k3s: a server URL means an agent.
if [[ -z $role ]]; then
  if [[ -n $url ]]; then role=agent; else role=server; fi
fi

# --- The systemd unit -----------------------------------------------------------------
# One unit text for both roles; $1 role, $2 the binary's directory, the rest extra flags.
unit_text() {
  local unit_role=$1 dir=$2
  shift 2
  local name=kscratch description="kscratch: Kubernetes from scratch (server)"
  local exec="$dir/kscratch server"
  if [[ $unit_role == agent ]]; then
    name=kscratch-agent description="kscratch: Kubernetes from scratch (agent)"
    # ${VAR} is one argument, $VAR splits on white space into zero or more (systemd.service).
    exec="$dir/kscratch agent --server \${KSCRATCH_URL} --token \${KSCRATCH_TOKEN}"
  elif [[ -n $token ]]; then
    exec="$exec --token \${KSCRATCH_TOKEN}"
  fi
  local flag
  for flag in "$@"; do
    # systemd unquotes double quotes; keep words with spaces whole.
    if [[ $flag == *[[:space:]]* ]]; then exec="$exec \\"$'\n'"    \"$flag\""; else exec="$exec \\"$'\n'"    $flag"; fi
  done
  exec="$exec \\"$'\n'"    \$KSCRATCH_OPTS"
  cat <<EOF
[Unit]
Description=$description
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
# Type=simple, not notify: kscratch does not call sd_notify (yet), so systemd counts it
# started once it is executing; with sd_notify it becomes Type=notify, as k3s's units are.
Type=simple
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-$systemd_dir/$name.service.env
# Stopping kscratch leaves the pods' containers running (a restarted kscratch adopts
# them): only the main process is signalled. kscratch-killall.sh stops everything.
KillMode=process
Delegate=yes
# Accounting limits cost the kernel; the pods' cgroups do their own accounting.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=$exec
EOF
}

if [[ -n $print_unit ]]; then
  [[ $print_unit == server || $print_unit == agent ]] || fatal "--print-unit takes server or agent"
  unit_text "$print_unit" "$bin_dir" "${extra[@]}"
  exit 0
fi

# --- Checks ---------------------------------------------------------------------------
if [[ -z $root && $EUID -ne 0 ]]; then
  fatal "run as root (or set INSTALL_ROOT to install into a directory)"
fi
if [[ -z $binary ]]; then
  binary=$repo/build/kscratch
  [[ -x $binary ]] || binary=build/kscratch
fi
[[ -x $binary ]] || fatal "no kscratch binary at '$binary' (build it, or pass --binary PATH)"
version=$("$binary" version 2>&1) || fatal "'$binary version' failed: $version"
if [[ $role == agent ]]; then
  [[ -n $url ]] || fatal "an agent needs --server URL (or KSCRATCH_URL)"
  [[ $url == https://* ]] || fatal "--server must be an https:// URL, got '$url'"
  [[ -n $token ]] || fatal "an agent needs --token TOKEN (or KSCRATCH_TOKEN): the server's <data-dir>/server/token"
fi
killall_src=$repo/scripts/kscratch-killall.sh
uninstall_src=$here/uninstall.sh
[[ -f $killall_src ]] || fatal "missing $killall_src"
[[ -f $uninstall_src ]] || fatal "missing $uninstall_src"

info "installing $version (${role}) into ${root:-/}"

# --- Files ----------------------------------------------------------------------------
install -d -m 0755 "$root$bin_dir" "$root$systemd_dir"
# Into a temporary name, then renamed: a running kscratch keeps its (old) file.
install -m 0755 "$binary" "$root$bin_dir/.kscratch.new"
mv -f "$root$bin_dir/.kscratch.new" "$root$bin_dir/kscratch"
info "installed $bin_dir/kscratch"

# kubectl: the binary acts as kubectl when called by that name. As k3s does, only when no
# kubectl is on PATH already (inside the root), unless forced.
if [[ $symlink != skip ]]; then
  existing=""
  IFS=: read -r -a path_dirs <<<"${PATH:-/usr/local/bin:/usr/bin:/bin}"
  for d in "${path_dirs[@]}"; do
    [[ -n $d ]] || continue
    [[ -e $root$d/kubectl || -L $root$d/kubectl ]] || continue
    # A symlink to kscratch from an earlier install is ours to refresh, not a kubectl.
    [[ -L $root$d/kubectl && $(readlink "$root$d/kubectl") == *kscratch ]] && continue
    existing=$d/kubectl
    break
  done
  if [[ -n $existing && $symlink != force ]]; then
    info "skipping the kubectl symlink: $existing exists"
  else
    ln -sfn kscratch "$root$bin_dir/kubectl"
    info "linked $bin_dir/kubectl -> kscratch"
  fi
fi

install -m 0755 "$killall_src" "$root$bin_dir/kscratch-killall.sh"
install -m 0755 "$uninstall_src" "$root$bin_dir/kscratch-uninstall.sh"
info "installed $bin_dir/kscratch-killall.sh and $bin_dir/kscratch-uninstall.sh"

# --- The env file and the unit --------------------------------------------------------
service=kscratch
[[ $role == agent ]] && service=kscratch-agent
env_file=$root$systemd_dir/$service.service.env
# The token is a secret: the env file is 0600 from its creation on (as k3s's, umask 0177).
(
  umask 0177
  : >"$env_file"
  chmod 0600 "$env_file"
  # Every KSCRATCH_* of the environment is kept for the service, the flags' values last.
  env | grep -E '^KSCRATCH_' | grep -vE '^KSCRATCH_(URL|TOKEN)=' | sort >>"$env_file" || true
  [[ -n $url ]] && echo "KSCRATCH_URL=$url" >>"$env_file"
  [[ -n $token ]] && echo "KSCRATCH_TOKEN=$token" >>"$env_file"
  true
)
info "wrote $systemd_dir/$service.service.env (mode 0600)"

unit_text "$role" "$bin_dir" "${extra[@]}" >"$root$systemd_dir/$service.service.tmp"
chmod 0644 "$root$systemd_dir/$service.service.tmp"
mv -f "$root$systemd_dir/$service.service.tmp" "$root$systemd_dir/$service.service"
info "wrote $systemd_dir/$service.service"

# --- Enable and start: only with systemd running, and never into a scratch root --------
if [[ -z $root && -d /run/systemd/system ]]; then
  systemctl daemon-reload
  if [[ $skip_enable != true ]]; then
    info "enabling $service"
    systemctl enable "$service" >/dev/null
  fi
  if [[ $skip_start != true && $skip_enable != true ]]; then
    info "starting $service"
    systemctl restart "$service"
  fi
else
  if [[ -n $root ]]; then
    info "installed into $root: not enabling or starting anything"
  else
    info "systemd is not running here; start kscratch by hand:"
    if [[ $role == agent ]]; then
      echo "    sudo $bin_dir/kscratch agent --server '$url' --token \"\$(sudo sed -n 's/^KSCRATCH_TOKEN=//p' $systemd_dir/$service.service.env)\" ${extra[*]:-}"
    else
      echo "    sudo $bin_dir/kscratch server ${extra[*]:-}   # add --token \"\$KSCRATCH_TOKEN\" if you set one"
    fi
    echo "    (logs go to standard error; stop with Ctrl-C or kscratch-killall.sh)"
  fi
fi
info "uninstall with $bin_dir/kscratch-uninstall.sh"
