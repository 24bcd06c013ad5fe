# `kscratch kubectl exec` against the real kubectl 1.32: standard output, standard error
# and exit code of the same exec commands, through a real `kscratch server` to the kubelet
# server (kscratch-kubelet-server-driver: the real server with a fake runtime that runs
# commands on the host, as in test/e2e/kubelet/server_test.sh). Two drivers on two nodes,
# as one driver knows one container: `web` (one container) and `multi` (two, exec'd in its
# first, which kubectl picks with a notice).
source "$(dirname "$0")/compare_lib.sh"
DRIVER=${KSCRATCH_KUBELET_SERVER_DRIVER:-$(dirname "$K")/test/unit/kubelet/server/kscratch-kubelet-server-driver}
[[ -x $DRIVER ]] || { echo "no kubelet server driver at $DRIVER (kubelet not configured): skipped"; exit 0; }

# A failed comparison shows both clients' whole results (it names only the first part
# that differs), and the drivers' logs.
fail() {
  local part
  for part in out err rc; do
    [[ -f $WORK/real.$part ]] && echo "kubectl $part: $(cat "$WORK/real.$part")" >&2
    [[ -f $WORK/ours.$part ]] && echo "kscratch kubectl $part: $(cat "$WORK/ours.$part")" >&2
  done
  tail -n 5 "$WORK"/*-driver.log >&2 2>/dev/null || true
  echo "FAIL: $*" >&2
  exit 1
}

node() {  # node NAME PORT CONTAINER: a driver serving one container and a Node pointing at it
  : >"$WORK/$1.log"
  driver_node "$DRIVER" "$1" "$2" "$WORK/$1.log" "$3"
}
# Free ports of their own (other tests pick theirs near PORT).
node exec-node-1 "$(images_pick_port $((17100 + RANDOM % 400)))" default/web/app
node exec-node-2 "$(images_pick_port $((17500 + RANDOM % 400)))" default/multi/app

cat >"$WORK/pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  nodeName: exec-node-1
  containers:
  - name: app
    image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: multi
spec:
  nodeName: exec-node-2
  containers:
  - name: app
    image: busybox
  - name: side
    image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: unscheduled
spec:
  schedulerName: nobody
  containers:
  - name: a
    image: busybox
YAML
expect_exit 0 "$REAL" apply -f "$WORK/pods.yaml"

# same_with_stdin FILE ARGS...: both clients read FILE on standard input.
same_with_stdin() {
  local file=$1
  shift
  printf '#!/bin/bash\nexec "%s" "$@" <"%s"\n' "$REAL" "$file" >"$WORK/stdin-real"
  printf '#!/bin/bash\nexec "%s" "$@" <"%s"\n' "$K" "$file" >"$WORK/stdin-ours"
  chmod +x "$WORK/stdin-real" "$WORK/stdin-ours"
  local real=$REAL ours=$K
  REAL=$WORK/stdin-real K=$WORK/stdin-ours
  same_as_kubectl "$@"
  REAL=$real K=$ours
}

# Output, exit codes, container choice.
same_as_kubectl exec web -- echo hi
same_as_kubectl exec web -c app -- sh -c 'echo out; echo err >&2; exit 3'
same_as_kubectl exec pod/web -- sh -c 'echo a; exit 0'
same_as_kubectl exec web -q -- sh -c 'exit 255'
same_as_kubectl exec -n default web -- printf 'no newline'
same_as_kubectl exec multi -- echo defaulted
same_as_kubectl exec multi -q -- echo quiet
same_as_kubectl exec web -- sh -c 'head -c 200000 /dev/zero | tr "\0" x; echo'
# Standard input: a file, a pipe's worth of lines, nothing.
printf 'line one\nline two\n' >"$WORK/in.txt"
same_with_stdin "$WORK/in.txt" exec -i web -- cat
same_with_stdin "$WORK/in.txt" exec -i web -- sh -c 'wc -l; echo done >&2'
head -c 300000 /dev/urandom | base64 >"$WORK/big.txt"
same_with_stdin "$WORK/big.txt" exec -i web -- sh -c 'md5sum; wc -c'
same_with_stdin /dev/null exec -i web -- cat
same_with_stdin "$WORK/in.txt" exec web -- cat
# -t without a terminal: kubectl's warning, then no tty.
same_with_stdin "$WORK/in.txt" exec -i -t web -- sh -c 'cat; test -t 0 || echo no tty'
same_with_stdin "$WORK/in.txt" exec -i -t -q web -- cat
same_as_kubectl exec -t web -- sh -c 'test -t 1 || echo no tty'
# TYPE/NAME: a pod of the object's selector, or kubectl's wait for one.
expect_exit 0 "$REAL" label pod web app=web
expect_exit 0 "$REAL" create service clusterip web --tcp=80
expect_exit 0 "$REAL" create service clusterip empty --tcp=80
cat >"$WORK/deploy.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: none
spec:
  replicas: 0
  selector:
    matchLabels: {app: none}
    matchExpressions: [{key: tier, operator: In, values: [b, a]}]
  template:
    metadata:
      labels: {app: none, tier: a}
    spec:
      containers: [{name: app, image: busybox}]
YAML
expect_exit 0 "$REAL" apply -f "$WORK/deploy.yaml"
expect_exit 0 "$REAL" create configmap exec-cm
same_as_kubectl exec svc/web -- echo through the service
same_as_kubectl exec po/web -- echo po
same_as_kubectl exec svc/empty --pod-running-timeout=1s -- echo hi
same_as_kubectl exec deploy/none --pod-running-timeout=1s -- echo hi
same_as_kubectl exec deploy/nope -- echo hi
same_as_kubectl exec configmap/exec-cm -- echo hi
same_as_kubectl exec svc/web --pod-running-timeout=abc -- echo hi
# Errors.
same_as_kubectl exec nope -- echo hi
same_as_kubectl exec web
same_as_kubectl exec web --
same_as_kubectl exec
same_as_kubectl exec -- echo hi
same_as_kubectl exec web echo hi
same_as_kubectl exec unscheduled -- true
same_as_kubectl exec web -c nope -- true
same_as_kubectl exec web -- /no/such/command
same_as_kubectl exec -n elsewhere web -- true

# A terminal: script(1) gives each client one; its size reaches the command.
if command -v script >/dev/null; then
  for who in real ours; do
    if [[ $who == real ]]; then cmd="$REAL"; else cmd="$K kubectl"; fi
    set +e
    script -qec "stty cols 91 rows 27; $cmd exec -i -t web -- sh -c 'stty size; exit 4'" /dev/null \
      </dev/null >"$WORK/tty-$who.out" 2>&1
    echo $? >"$WORK/tty-$who.rc"
    set -e
  done
  grep -q '27 91' "$WORK/tty-ours.out" || fail "exec -it size: $(cat "$WORK/tty-ours.out")"
  diff <(tr -d '\r' <"$WORK/tty-real.out") <(tr -d '\r' <"$WORK/tty-ours.out") ||
    fail "exec -i -t in a terminal differs"
  diff "$WORK/tty-real.rc" "$WORK/tty-ours.rc" || fail "exec -i -t exit code differs"
  COMPARED=$((COMPARED + 1))
  # A resize while the command runs reaches it (SIGWINCH, channel 4).
  set +e
  script -qec "stty cols 91 rows 27; (sleep 1.5; stty cols 100 rows 30 </dev/tty) &
    $K kubectl exec -i -t web -- sh -c 'sleep 4; stty size'" /dev/null </dev/null >"$WORK/winch.out" 2>&1
  set -e
  grep -q '30 100' "$WORK/winch.out" || fail "exec -i -t after a resize: $(cat "$WORK/winch.out")"
fi
echo "PASS: $COMPARED commands compared"
