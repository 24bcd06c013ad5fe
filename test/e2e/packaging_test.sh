# Installation (packaging/): install.sh and the uninstall script into temporary roots, then
# the .deb built with CPack from this build directory, inspected and unpacked. Nothing
# outside $WORK is written: no real /usr/local, /etc or /var/lib.
source "$(dirname "$0")/lib.sh"
K=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
INSTALL=$SRC/packaging/install.sh

# The host's own installation, if any, must come out of this test as it went in.
host_state() {
  local p
  for p in /usr/local/bin/kscratch /usr/local/bin/kubectl /usr/local/bin/kscratch-killall.sh \
    /usr/local/bin/kscratch-uninstall.sh /etc/systemd/system/kscratch.service \
    /etc/systemd/system/kscratch-agent.service /etc/systemd/system/kscratch.service.env \
    /etc/kscratch /var/lib/kscratch; do
    stat -c '%n %Y %s' "$p" 2>/dev/null || echo "$p absent"
  done
}
HOST_BEFORE=$(host_state)

check_file() { # PATH MODE: a regular file with that mode
  [[ -f $1 && ! -L $1 ]] || fail "$1 is not a file: $(ls -la "$(dirname "$1")" 2>&1)"
  [[ $(stat -c %a "$1") == "$2" ]] || fail "$1 has mode $(stat -c %a "$1"), want $2"
}
check_has() { # FILE PATTERN...: every extended regex matches a line of FILE
  local f=$1 p
  shift
  for p in "$@"; do grep -Eq -- "$p" "$f" || fail "$f has no line matching '$p':"$'\n'"$(cat "$f")"; done
}
check_lacks() { # FILE PATTERN
  ! grep -Eq -- "$2" "$1" || fail "$1 should not match '$2':"$'\n'"$(cat "$1")"
}
# The unit's ExecStart, continuation lines joined.
exec_start() { sed -n '/^ExecStart=/,/[^\\]$/p' "$1" | sed 's/\\$//' | tr -s ' \n' ' '; }

# --- install.sh: a server ---------------------------------------------------------------
ROOT=$WORK/root
BIN=$ROOT/usr/local/bin
UNITS=$ROOT/etc/systemd/system
expect_exit 0 env INSTALL_ROOT="$ROOT" "$INSTALL" --binary "$K" -- --disable-agent --data-dir /srv/kscratch
expect_output "installed into $ROOT: not enabling or starting anything"
check_file "$BIN/kscratch" 755
cmp -s "$K" "$BIN/kscratch" || fail "the installed binary differs from $K"
check_file "$BIN/kscratch-killall.sh" 755
cmp -s "$SRC/scripts/kscratch-killall.sh" "$BIN/kscratch-killall.sh" || fail "kscratch-killall.sh differs"
check_file "$BIN/kscratch-uninstall.sh" 755
cmp -s "$SRC/packaging/uninstall.sh" "$BIN/kscratch-uninstall.sh" || fail "kscratch-uninstall.sh differs"
[[ -L $BIN/kubectl && $(readlink "$BIN/kubectl") == kscratch ]] || fail "no kubectl -> kscratch symlink: $(ls -la "$BIN")"
check_file "$UNITS/kscratch.service" 644
check_file "$UNITS/kscratch.service.env" 600
check_has "$UNITS/kscratch.service" '^Type=simple$' '^KillMode=process$' '^Delegate=yes$' \
  '^LimitNOFILE=1048576$' '^Restart=always$' '^ExecStartPre=-/sbin/modprobe br_netfilter$' \
  '^ExecStartPre=-/sbin/modprobe overlay$' '^WantedBy=multi-user.target$' \
  '^EnvironmentFile=-/etc/systemd/system/kscratch.service.env$'
exec_line=$(exec_start "$UNITS/kscratch.service")
[[ $exec_line == 'ExecStart=/usr/local/bin/kscratch server --disable-agent --data-dir /srv/kscratch $KSCRATCH_OPTS ' ]] ||
  fail "server ExecStart: '$exec_line'"
[[ ! -s $UNITS/kscratch.service.env ]] || fail "the server's env file should be empty: $(cat "$UNITS/kscratch.service.env")"

# The installed binary runs, and by the name kubectl it is kubectl (the one on PATH, or it
# says there is none).
expect_exit 0 "$BIN/kscratch" version
expect_output '^kscratch version v[0-9]+\.[0-9]+\.[0-9]+'
set +e
OUT=$("$BIN/kubectl" version --client 2>&1)
set -e
expect_output 'Client Version|no kubectl found on PATH'

# Again, by INSTALL_KSCRATCH_EXEC and with a token: the token stays in the env file.
expect_exit 0 env INSTALL_ROOT="$ROOT" INSTALL_KSCRATCH_EXEC="server --https-listen-port 7443" \
  KSCRATCH_OPTS="--v=2" "$INSTALL" --binary "$K" --token 'K10abc::server:s3cret'
exec_line=$(exec_start "$UNITS/kscratch.service")
[[ $exec_line == 'ExecStart=/usr/local/bin/kscratch server --token ${KSCRATCH_TOKEN} --https-listen-port 7443 $KSCRATCH_OPTS ' ]] ||
  fail "server ExecStart with a token: '$exec_line'"
check_file "$UNITS/kscratch.service.env" 600
check_has "$UNITS/kscratch.service.env" '^KSCRATCH_TOKEN=K10abc::server:s3cret$' '^KSCRATCH_OPTS=--v=2$'
check_lacks "$UNITS/kscratch.service" 's3cret'

# --- install.sh: an agent -------------------------------------------------------------
expect_exit 0 env INSTALL_ROOT="$ROOT" "$INSTALL" --binary "$K" --agent --server https://10.0.0.1:6443 \
  --token 'K10abc::server:s3cret' -- --node-name worker-1
check_file "$UNITS/kscratch-agent.service" 644
check_file "$UNITS/kscratch-agent.service.env" 600
check_has "$UNITS/kscratch-agent.service" '^EnvironmentFile=-/etc/systemd/system/kscratch-agent.service.env$' \
  '^KillMode=process$' '^Delegate=yes$'
exec_line=$(exec_start "$UNITS/kscratch-agent.service")
[[ $exec_line == 'ExecStart=/usr/local/bin/kscratch agent --server ${KSCRATCH_URL} --token ${KSCRATCH_TOKEN} --node-name worker-1 $KSCRATCH_OPTS ' ]] ||
  fail "agent ExecStart: '$exec_line'"
check_has "$UNITS/kscratch-agent.service.env" '^KSCRATCH_URL=https://10.0.0.1:6443$' '^KSCRATCH_TOKEN=K10abc::server:s3cret$'
check_lacks "$UNITS/kscratch-agent.service" 's3cret'
check_file "$UNITS/kscratch.service" 644 # the server's unit is left alone
# KSCRATCH_URL alone means an agent, as K3S_URL does.
expect_exit 0 env INSTALL_ROOT="$ROOT" KSCRATCH_URL=https://10.0.0.2:6443 KSCRATCH_TOKEN=t2 "$INSTALL" --binary "$K"
check_has "$UNITS/kscratch-agent.service.env" '^KSCRATCH_URL=https://10.0.0.2:6443$' '^KSCRATCH_TOKEN=t2$'

# Usage errors name what is missing, and write nothing.
expect_exit 1 env INSTALL_ROOT="$WORK/bad" "$INSTALL" --binary "$K" --agent --token t
expect_output 'needs --server'
expect_exit 1 env INSTALL_ROOT="$WORK/bad" "$INSTALL" --binary "$K" --server http://10.0.0.1:6443 --token t
expect_output 'https://'
expect_exit 1 env INSTALL_ROOT="$WORK/bad" "$INSTALL" --binary "$K" --server https://10.0.0.1:6443
expect_output 'needs --token'
expect_exit 1 env INSTALL_ROOT="$WORK/bad" "$INSTALL" --binary "$WORK/no-such-binary"
expect_output 'no kscratch binary'
expect_exit 1 env INSTALL_ROOT="$WORK/bad" "$INSTALL" --binary "$K" --frobnicate
[[ ! -e $WORK/bad ]] || fail "a failed install wrote $(find "$WORK/bad")"

# --- The kubectl symlink: not over a kubectl already on PATH, unless asked -------------
ROOT2=$WORK/root2
mkdir -p "$ROOT2/usr/bin"
printf '#!/bin/sh\necho real kubectl\n' >"$ROOT2/usr/bin/kubectl"
chmod 755 "$ROOT2/usr/bin/kubectl"
expect_exit 0 env INSTALL_ROOT="$ROOT2" PATH="/usr/local/bin:/usr/bin:/bin" "$INSTALL" --binary "$K"
expect_output 'skipping the kubectl symlink: /usr/bin/kubectl exists'
[[ ! -e $ROOT2/usr/local/bin/kubectl ]] || fail "kubectl was linked over /usr/bin/kubectl"
expect_exit 0 env INSTALL_ROOT="$ROOT2" PATH="/usr/local/bin:/usr/bin:/bin" "$INSTALL" --binary "$K" --kubectl-symlink
[[ -L $ROOT2/usr/local/bin/kubectl ]] || fail "--kubectl-symlink made no symlink"
expect_exit 0 env INSTALL_ROOT="$ROOT2" "$ROOT2/usr/local/bin/kscratch-uninstall.sh"
[[ -x $ROOT2/usr/bin/kubectl ]] || fail "uninstall removed a kubectl that was not its own"
[[ ! -e $ROOT2/usr/local/bin/kubectl && ! -L $ROOT2/usr/local/bin/kubectl ]] || fail "uninstall left its kubectl symlink"

# --- The uninstall script -------------------------------------------------------------
# State as a server would leave it, in the default data dir and the unit's --data-dir.
mkdir -p "$ROOT/etc/kscratch" "$ROOT/var/lib/kscratch/server/db" "$ROOT/srv/kscratch/agent/images"
touch "$ROOT/etc/kscratch/kubeconfig.yaml" "$ROOT/var/lib/kscratch/server/db/state.db" \
  "$ROOT/srv/kscratch/agent/images/hello.tar"
# The server unit says --https-listen-port now; put the --data-dir one back.
expect_exit 0 env INSTALL_ROOT="$ROOT" "$INSTALL" --binary "$K" -- --data-dir /srv/kscratch
expect_exit 0 env INSTALL_ROOT="$ROOT" "$BIN/kscratch-uninstall.sh"
expect_output "uninstalling from $ROOT: no processes are stopped"
expect_output 'kscratch is uninstalled'
left=$(find "$ROOT" \( -type f -o -type l \) -print)
[[ -z $left ]] || fail "uninstall left: $left"
for d in etc/kscratch var/lib/kscratch srv/kscratch; do
  [[ ! -e $ROOT/$d ]] || fail "uninstall left /$d"
done

[[ $(host_state) == "$HOST_BEFORE" ]] || fail "the host's own files changed:"$'\n'"$HOST_BEFORE"$'\n'"now:"$'\n'"$(host_state)"
echo "packaging: install.sh and kscratch-uninstall.sh OK (server, agent, symlink rules, errors)"

# --- The .deb -------------------------------------------------------------------------
BUILD=$(dirname "$K")
if [[ ! -f $BUILD/CPackConfig.cmake ]]; then
  echo "packaging: SKIPPED the .deb: no $BUILD/CPackConfig.cmake (not a CMake build directory with packaging/)"
  exit 0
fi
for tool in cpack dpkg-deb dpkg; do
  command -v "$tool" >/dev/null || { echo "packaging: SKIPPED the .deb: no $tool"; exit 0; }
done
DEB_OUT=$WORK/deb
expect_exit 0 cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$DEB_OUT"
version=$("$K" version | sed -E 's/^kscratch version v([0-9.]+) .*/\1/')
arch=$(dpkg --print-architecture)
DEB=$DEB_OUT/kscratch_${version}_${arch}.deb
[[ -f $DEB ]] || fail "cpack made no $DEB: $(ls "$DEB_OUT"); output: $OUT"

expect_exit 0 dpkg-deb -c "$DEB"
for f in ./usr/bin/kscratch ./usr/bin/kscratch-killall.sh ./usr/bin/kscratch-uninstall.sh \
  ./usr/lib/systemd/system/kscratch.service ./usr/lib/systemd/system/kscratch-agent.service \
  ./usr/share/doc/kscratch/example-deployment.yaml; do
  grep -Eq " $f\$" <<<"$OUT" || fail "$DEB has no $f:"$'\n'"$OUT"
done
expect_output '^-rwxr-xr-x root/root .* \./usr/bin/kscratch$'
expect_exit 0 dpkg-deb -f "$DEB" Package Version Architecture Section Depends Maintainer
expect_output '^Package: kscratch$'
expect_output "^Version: $version\$"
expect_output "^Architecture: $arch\$"
expect_output '^Section: admin$'
expect_output '^Depends: .*runc'
# dpkg-shlibdeps found the libraries' packages (libc6 at least), where it is installed.
if command -v dpkg-shlibdeps >/dev/null; then expect_output '^Depends: .*libc6'; fi
expect_output '^Maintainer: .+'

# Unpacked, the binary runs and the units name it where the package puts it.
X=$WORK/x
expect_exit 0 dpkg -x "$DEB" "$X"
expect_exit 0 "$X/usr/bin/kscratch" version
[[ $OUT == "$("$K" version)" ]] || fail "the packaged binary says '$OUT', the built one '$("$K" version)'"
exec_line=$(exec_start "$X/usr/lib/systemd/system/kscratch.service")
[[ $exec_line == 'ExecStart=/usr/bin/kscratch server $KSCRATCH_OPTS ' ]] || fail "packaged server ExecStart: '$exec_line'"
exec_line=$(exec_start "$X/usr/lib/systemd/system/kscratch-agent.service")
[[ $exec_line == 'ExecStart=/usr/bin/kscratch agent --server ${KSCRATCH_URL} --token ${KSCRATCH_TOKEN} $KSCRATCH_OPTS ' ]] ||
  fail "packaged agent ExecStart: '$exec_line'"
check_has "$X/usr/lib/systemd/system/kscratch-agent.service" '^EnvironmentFile=-/etc/default/%N$'
# The maintainer scripts are there and executable.
expect_exit 0 dpkg-deb -e "$DEB" "$WORK/control"
for s in postinst prerm postrm; do check_file "$WORK/control/$s" 755; done

[[ $(host_state) == "$HOST_BEFORE" ]] || fail "the host's own files changed"
echo "packaging: $(basename "$DEB") OK ($(du -k "$DEB" | cut -f1) KiB; $(grep -c . <<<"$(dpkg-deb -c "$DEB")") entries)"
