#!/usr/bin/env bash
# The container runtime with the real runc: busybox containers from a hand-made layer,
# their logs in the CRI format, exit codes, stop with grace, OOM, a missing binary, exec,
# re-adoption after the runtime's process was killed, and cleanup that leaves nothing.
# Usage: runtime_test.sh DRIVER KSCRATCH
DRIVER=$1
K=$2
source "$(dirname "$0")/../lib.sh"

command -v runc >/dev/null || fail "runc is not installed"
[[ -x /bin/busybox ]] || fail "busybox-static is not installed"

RND=$RANDOM$$
STATE=$WORK/state
RUNC_ROOT=/run/kscratch-e2e-$RND/runc
CG=/kscratch-test-$RND/pod1
LAYER=$WORK/layers/sha256-busybox
LOGS=$WORK/logs
NETNS=kscratch-e2e-$RND

# Everything the test may leave behind, even when it fails half-way.
containers_cleanup() {
  if [[ -d $RUNC_ROOT ]]; then
    for id in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
      runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  # Monitors end with their containers; wait for them a moment.
  for _ in $(seq 20); do
    pgrep -f "monitor --id .* --bundle $STATE/" >/dev/null || break
    sleep 0.1
  done
  grep -o " $STATE/[^ ]*/rootfs " /proc/self/mountinfo 2>/dev/null | while read -r m; do umount -l "$m" || true; done ||
    true
  for hier in /sys/fs/cgroup/*; do
    if [[ -d $hier/kscratch-test-$RND ]]; then
      find "$hier/kscratch-test-$RND" -depth -type d -exec rmdir {} + 2>/dev/null || true
    fi
  done
  rm -rf "/run/kscratch-e2e-$RND"
  ip netns del "$NETNS" 2>/dev/null || true
  cleanup
}
trap containers_cleanup EXIT

D() { "$DRIVER" --state-dir "$STATE" --runc-root "$RUNC_ROOT" --monitor "$K" "$@"; }

# A one-layer image: busybox and its applets, a passwd with a non-root user.
mkdir -p "$LAYER"/{bin,etc,tmp,proc,sys,dev} "$LOGS"
cp /bin/busybox "$LAYER/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ -e $LAYER/bin/$applet ]] || ln -s busybox "$LAYER/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' >"$LAYER/etc/passwd"
printf 'root:x:0:\nwheel:x:10:app\napp:x:1000:\n' >"$LAYER/etc/group"
START=(--layer "$LAYER" --cgroup-parent "$CG")

echo "== output to stdout and stderr, exit 3"
expect_exit 0 D start out3 "${START[@]}" --log "$LOGS/out3/0.log" -- \
  sh -c 'echo to-stdout; echo to-stderr >&2; printf no-newline; exit 3'
expect_exit 0 D wait out3 --timeout 10
expect_output 'state=exited exit_code=3 reason=Error'
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z'
grep -Eq "^$TS stdout F to-stdout\$" "$LOGS/out3/0.log" || fail "no stdout line: $(cat "$LOGS/out3/0.log")"
grep -Eq "^$TS stderr F to-stderr\$" "$LOGS/out3/0.log" || fail "no stderr line: $(cat "$LOGS/out3/0.log")"
grep -Eq "^$TS stdout P no-newline\$" "$LOGS/out3/0.log" || fail "no partial line: $(cat "$LOGS/out3/0.log")"

echo "== a terminal: the container sees one, its output is logged as stdout"
expect_exit 0 D start tty "${START[@]}" --tty 1 --log "$LOGS/tty/0.log" -- sh -c '[ -t 1 ] && echo on-a-tty; echo err >&2'
expect_exit 0 D wait tty --timeout 10
expect_output 'exit_code=0 reason=Completed'
grep -Eq "^$TS stdout F on-a-tty"$'\r'"?\$" "$LOGS/tty/0.log" || fail "no terminal output: $(cat -A "$LOGS/tty/0.log")"
grep -Eq "^$TS stdout F err" "$LOGS/tty/0.log" || fail "no stderr through the terminal: $(cat -A "$LOGS/tty/0.log")"

echo "== the image's user"
expect_exit 0 D start user "${START[@]}" --user app --log "$LOGS/user/0.log" -- sh -c 'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"'
expect_exit 0 D wait user --timeout 10
expect_output 'exit_code=0 reason=Completed'
grep -q 'uid=1000 gid=1000 groups=1000 10' "$LOGS/user/0.log" || fail "wrong user: $(cat "$LOGS/user/0.log")"

echo "== privileged: the runtime's capabilities and the host's devices; a read-only root"
expect_exit 0 D start priv "${START[@]}" --privileged 1 --log "$LOGS/priv/0.log" -- \
  sh -c 'grep CapEff /proc/self/status; ls /dev/null /dev/zero /dev/full && touch /written'
expect_exit 0 D wait priv --timeout 10
expect_output 'exit_code=0 reason=Completed'
grep -q "$(grep CapEff /proc/self/status | tr '\t' ' ' | tr -s ' ')" <(tr '\t' ' ' <"$LOGS/priv/0.log" | tr -s ' ') ||
  fail "privileged capabilities differ from the runtime's: $(cat "$LOGS/priv/0.log")"
expect_exit 0 D start ro "${START[@]}" --read-only 1 --log "$LOGS/ro/0.log" -- touch /written
expect_exit 0 D wait ro --timeout 10
expect_output 'exit_code=1 reason=Error'
grep -q 'Read-only file system' "$LOGS/ro/0.log" || fail "the root was writable: $(cat "$LOGS/ro/0.log")"

echo "== a long-running container in a network namespace, exec into it"
ip netns add "$NETNS"
expect_exit 0 D start sleeper "${START[@]}" --netns "/var/run/netns/$NETNS" --log "$LOGS/sleeper/0.log" -- sleep 1000
expect_output 'state=running'
expect_exit 0 D status sleeper
expect_output 'state=running .*label_app=e2e'
expect_exit 0 D exec sleeper -- sh -c 'echo "$GREETING from $(hostname)"; exit 7'
expect_output 'hello from pod1'
expect_output 'exit_code=7 timed_out=false'
expect_exit 0 D exec sleeper --timeout-ms 300 -- sleep 100
expect_output 'timed_out=true'
expect_exit 0 D exec sleeper -- readlink /proc/1/ns/net
expect_output "net:\\[$(stat -L -c %i "/var/run/netns/$NETNS")\\]"
expect_exit 0 D exec-line sleeper -- sh
expect_output "runc --root $RUNC_ROOT exec sleeper sh"

echo "== the runtime's process killed: the container runs on and is found again"
# The driver itself in the background (not a subshell running D), so kill -9 reaches it.
"$DRIVER" --state-dir "$STATE" --runc-root "$RUNC_ROOT" --monitor "$K" start adopt "${START[@]}" \
  --log "$LOGS/adopt/0.log" --hang 1 -- sh -c 'while :; do echo tick; sleep 0.2; done' >"$WORK/adopt.out" 2>&1 &
ADOPT_DRIVER=$!
PIDS+=("$ADOPT_DRIVER")
wait_for_log "$WORK/adopt.out" 'state=running'
kill -KILL "$ADOPT_DRIVER"
wait "$ADOPT_DRIVER" 2>/dev/null || true
expect_exit 0 D list
expect_output 'id=adopt state=running .*label_app=e2e'
expect_output 'id=sleeper state=running'
expect_output 'id=out3 state=exited exit_code=3'
sleep 0.5
grep -q 'stdout F tick' "$LOGS/adopt/0.log" || fail "the adopted container's output stopped: $(cat "$LOGS/adopt/0.log")"

echo "== stop: TERM is ignored by sleep as PID 1, KILL after the grace period"
expect_exit 0 D stop sleeper 1
expect_output 'state=exited exit_code=137'
expect_exit 0 D stop adopt 5
expect_output 'state=exited'
expect_exit 0 D stop out3 1  # stopping an exited container is fine

echo "== a memory limit the container exceeds"
expect_exit 0 D start oom "${START[@]}" --memory 16777216 --log "$LOGS/oom/0.log" -- \
  sh -c 'a=xxxxxxxxxxxxxxxx; while :; do a="$a$a"; done'
expect_exit 0 D wait oom --timeout 30
expect_output 'state=exited exit_code=137 reason=OOMKilled'

echo "== a binary the image does not have"
expect_exit 1 D start nosuch "${START[@]}" --log "$LOGS/nosuch/0.log" -- /bin/no-such-binary
expect_output 'error: .*no-such-binary'
[[ ! -e $STATE/nosuch ]] || fail "a failed start left $STATE/nosuch behind"

echo "== start latency"
expect_exit 0 D bench "${START[@]}" --count 20 -- sleep 1000
echo "$OUT"

echo "== remove leaves no mount, runc state or cgroup"
for id in out3 tty user priv ro sleeper adopt oom; do
  expect_exit 0 D remove "$id"
done
expect_exit 0 D remove out3  # removing twice is fine
expect_exit 0 D list
[[ -z $OUT ]] || fail "containers left: $OUT"
! grep -q " $STATE/" /proc/self/mountinfo || fail "mounts left: $(grep " $STATE/" /proc/self/mountinfo)"
[[ -z $(runc --root "$RUNC_ROOT" list -q) ]] || fail "runc containers left: $(runc --root "$RUNC_ROOT" list)"
[[ -z $(ls -A "$STATE") ]] || fail "state left: $(ls -A "$STATE")"
[[ -e $LOGS/out3/0.log ]] || fail "remove took the log"
for hier in /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/cpu; do
  [[ -z $(find "$hier$CG" -mindepth 1 -type d 2>/dev/null) ]] || fail "container cgroups left under $hier$CG"
done
expect_exit 0 D remove-cgroup "$CG"
for hier in /sys/fs/cgroup/*; do
  [[ ! -e $hier$CG ]] || fail "pod cgroup left: $hier$CG"
done
[[ -e $LAYER/bin/busybox ]] || fail "the layer was damaged"
echo PASS
