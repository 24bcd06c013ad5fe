# What every comparison of `kscratch kubectl` with the real kubectl 1.32 shares: a server of
# its own on a free port, and same_as_kubectl, which runs one command with each client and
# compares standard output, standard error and the exit code (ages, and the generated parts
# of twin objects, masked). Sourced by the *_test.sh scripts here, with the kscratch binary
# as $1.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib_images.sh"
K=$1
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }
REAL=$(command -v kubectl)
# The built-in client must answer itself: a command it declines fails instead of quietly
# running the real kubectl, which would compare kubectl with itself.
export KSCRATCH_KUBECTL_NO_FALLBACK=1

PORT=$(images_pick_port $((16540 + RANDOM % 200)))  # a free port: tests run side by side
start_server_for_kubectl "$K" $PORT

# Ages ("5s", "3m10s") may tick between the two runs, and their width with them: the
# spaces after an age column (and after its header) are not compared. Twin objects also differ in
# what the server generates: uid, resourceVersion, timestamps.
mask() {
  # klog's header carries the time and the process id.
  sed -E 's/^E[0-9]{4} [0-9:.]+ +[0-9]+ /E0000 00:00:00.000000 PID /' |
  if [[ -n ${TWINS:-} ]]; then
    # uids and times first: a uid's group like "4d1e" would otherwise be taken for an age.
    sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UID/g;
      s/(resourceVersion"?: )"[0-9]+"/\1RV/; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g;
      s/\b[0-9]+[smhdy]([0-9]+[smhd])?\b/AGE/g; s/AGE +/AGE /g'
  else
    sed -E 's/\b[0-9]+[smhdy]([0-9]+[smhd])?\b/AGE/g; s/AGE +/AGE /g'
  fi
}

COMPARED=0
# run_both WHO FILE ARGS...: runs one client, writing FILE.out, FILE.err and FILE.rc.
run_one() {
  local who=$1 file=$2
  shift 2
  set +e
  if [[ $who == real ]]; then
    "$REAL" "$@" >"$file.out" 2>"$file.err"
  else
    "$K" kubectl "$@" >"$file.out" 2>"$file.err"
  fi
  echo $? >"$file.rc"
  set -e
}

# same_as_kubectl [--names REAL OURS] ARGS...: ARGS (with @N@ replaced by REAL for the real
# kubectl and by OURS for kscratch) give the same output, errors and exit code. With
# NORMALISE set to a filter command, both outputs pass through it before they are compared.
# managed_fields_by_manager is one: managedFields entries of one operation written in the
# same second are ordered by manager, in different seconds by time (upstream's sort), so
# the twins' order depends on when the second ticked.
managed_fields_by_manager() {
  python3 -c 'import json, sys
o = json.load(sys.stdin)
o["metadata"]["managedFields"].sort(key=lambda e: e["manager"])
json.dump(o, sys.stdout, indent=4)
print()'
}

same_as_kubectl() {
  local real_name="" our_name=""
  if [[ $1 == --names ]]; then
    real_name=$2 our_name=$3
    shift 3
  fi
  local real_args=() our_args=() a
  for a in "$@"; do
    real_args+=("${a//@N@/$real_name}")
    our_args+=("${a//@N@/$our_name}")
  done
  run_one real "$WORK/real" "${real_args[@]}"
  run_one ours "$WORK/ours" "${our_args[@]}"
  local part
  for part in out err rc; do
    if [[ -n $our_name ]]; then
      sed -i "s/$our_name/$real_name/g" "$WORK/ours.$part"
    fi
    if [[ -n ${NORMALISE:-} && $part == out ]]; then
      $NORMALISE <"$WORK/real.$part" >"$WORK/real.norm" && mv "$WORK/real.norm" "$WORK/real.$part"
      $NORMALISE <"$WORK/ours.$part" >"$WORK/ours.norm" && mv "$WORK/ours.norm" "$WORK/ours.$part"
    fi
    if ! diff <(TWINS=$our_name mask <"$WORK/real.$part") <(TWINS=$our_name mask <"$WORK/ours.$part") >"$WORK/diff"; then
      fail "kubectl ${real_args[*]}: $part differs (< kubectl, > kscratch kubectl):
$(cat "$WORK/diff")"
    fi
  done
  COMPARED=$((COMPARED + 1))
}
