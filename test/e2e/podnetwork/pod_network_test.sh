#!/usr/bin/env bash
# The pod network on real links: a bridge, two pods in their own namespaces talking to
# the gateway and to each other, the masquerade table, re-adoption by a new process,
# repair of a half-gone attachment, detach, host-gw routes and teardown. Every name is
# unique to this run, and the trap removes everything even when a check fails.
# Traffic only ever goes to addresses on the test's own bridge.
source "$(dirname "$0")/../lib.sh"

DRIVER=$1
[[ $(id -u) == 0 ]] || fail "needs root"

RAND=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
BR=kst$RAND                    # 9 characters
PREFIX=kt${RAND:0:4}           # host veths: kt<4>+<9 hex> = 15 characters
TABLE=kscratch-test-$RAND
# The cluster is a /24 of its own per run, so that runs in parallel never see each
# other's routes (routes are only ever removed inside the cluster CIDR): this node has
# the lower half, "other nodes" have the /26s of the upper half.
X=$((16#${RAND:0:2} % 200 + 20))
CLUSTER=10.199.$X.0/24
POD_CIDR=10.199.$X.0/25
GATEWAY=10.199.$X.1
OTHER=10.199.$X.128/26
OTHER2=10.199.$X.192/26
STATE=$WORK/state
NETNS=$WORK/netns

if command -v ping >/dev/null; then PING=(ping); else PING=(busybox ping); fi

pod_cleanup() {
  set +e
  "$DRIVER" "${FLAGS[@]}" teardown >/dev/null 2>&1
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^($PREFIX|$BR$)"); do
    ip link del "$link" 2>/dev/null
  done
  nft delete table ip "$TABLE" 2>/dev/null
  ip route show proto 75 2>/dev/null | grep -E "^($OTHER|$OTHER2) " | while read -r dst _; do
    ip route del "$dst" proto 75 2>/dev/null
  done
  # Deepest mounts first.
  awk -v w="$WORK" '$5 == w || index($5, w "/") == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null
  done
  cleanup
}
trap pod_cleanup EXIT

FLAGS=(--bridge "$BR" --veth-prefix "$PREFIX" --table "$TABLE" --state-dir "$STATE" --netns-dir "$NETNS"
  --cluster-cidr "$CLUSTER" --pod-cidr "$POD_CIDR")
drive() { "$DRIVER" "${FLAGS[@]}" "$@"; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
in_pod() { local ns=$1; shift; nsenter --net="$ns" "$@"; }
# `cmd | grep -q` would fail under pipefail when grep exits before cmd has written
# everything (SIGPIPE): the checks below grep here-strings instead.
# The driver's own output, without the log lines (which go to stderr, merged into $OUT).
result() { grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' <<<"$OUT" || true; }
mounts_under_work() { awk -v w="$WORK" '$5 == w || index($5, w "/") == 1 {print $5}' /proc/self/mountinfo; }

echo "--- ensure_node: bridge $BR, table $TABLE, pod CIDR $POD_CIDR"
expect_exit 0 drive ensure
grep -q 'bridge ' <<<"$(ip -d link show "$BR")" || fail "$BR is not a bridge: $(ip -d link show "$BR")"
grep -q " $GATEWAY/25 " <<<"$(ip -4 -o addr show dev "$BR")" || fail "bridge address: $(ip -4 -o addr show dev "$BR")"
[[ $(ip -4 -o addr show dev "$BR" | wc -l) == 1 ]] || fail "extra bridge addresses: $(ip -4 -o addr show dev "$BR")"
grep -q 'state UP\|,UP' <<<"$(ip link show "$BR")" || fail "bridge is down: $(ip link show "$BR")"
MAC=$(cat /sys/class/net/"$BR"/address)
(( 16#${MAC:0:2} & 2 )) || fail "MAC $MAC is not locally administered"
(( (16#${MAC:0:2} & 1) == 0 )) || fail "MAC $MAC is multicast"
[[ $(cat /proc/sys/net/ipv4/ip_forward) == 1 ]] || fail "ip_forward is off"
RULES=$(nft list table ip "$TABLE")
grep -q 'type nat hook postrouting priority srcnat' <<<"$RULES" || fail "no srcnat chain: $RULES"
grep -q "ip saddr $POD_CIDR ip daddr != $CLUSTER masquerade" <<<"$RULES" || fail "no masquerade rule: $RULES"

echo "--- ensure_node again: the same state"
expect_exit 0 drive ensure
[[ $(cat /sys/class/net/"$BR"/address) == "$MAC" ]] || fail "MAC changed"
[[ $(nft list table ip "$TABLE" | grep -c masquerade) == 1 ]] || fail "rule duplicated: $(nft list table ip "$TABLE")"

echo "--- ensure_node repairs a changed pod CIDR and stray addresses"
ip addr add 10.199.$X.77/25 dev "$BR"
expect_exit 0 "$DRIVER" "${FLAGS[@]/$POD_CIDR/10.199.$X.64/26}" ensure
grep -q " 10.199.$X.65/26 " <<<"$(ip -4 -o addr show dev "$BR")" || fail "bridge not moved to the new CIDR: $(ip -4 -o addr show dev "$BR")"
[[ $(ip -4 -o addr show dev "$BR" | wc -l) == 1 ]] || fail "old addresses left: $(ip -4 -o addr show dev "$BR")"
grep -q "ip saddr 10.199.$X.64/26 " <<<"$(nft list table ip "$TABLE")" || fail "rule not updated: $(nft list table ip "$TABLE")"
expect_exit 0 drive ensure
grep -q " $GATEWAY/25 " <<<"$(ip -4 -o addr show dev "$BR")" || fail "bridge address not restored: $(ip -4 -o addr show dev "$BR")"
[[ $(cat /sys/class/net/"$BR"/address) == "$MAC" ]] || fail "MAC changed"

echo "--- attach two pods"
expect_exit 0 drive attach pod-a pod-b
ATTACHED=$(result)
A=$(grep 'uid=pod-a ' <<<"$ATTACHED")
B=$(grep 'uid=pod-b ' <<<"$ATTACHED")
IP_A=$(field ip "$A"); IP_B=$(field ip "$B")
NS_A=$(field netns "$A"); NS_B=$(field netns "$B")
VETH_A=$(field veth "$A"); VETH_B=$(field veth "$B")
echo "$ATTACHED"
[[ $IP_A =~ ^10\.199\.$X\.[0-9]+$ && $IP_B =~ ^10\.199\.$X\.[0-9]+$ && $IP_A != "$IP_B" ]] || fail "addresses: $ATTACHED"
[[ $IP_A != "$GATEWAY" && $IP_B != "$GATEWAY" ]] || fail "a pod got the gateway: $ATTACHED"
[[ $NS_A == "$NETNS/pod-a" && $VETH_A == "$PREFIX"* && ${#VETH_A} -le 15 ]] || fail "names: $A"
grep -qx "$NS_A" <<<"$(mounts_under_work)" || fail "$NS_A is not mounted: $(mounts_under_work)"
grep -q 'shared:' <<<"$(grep " $NETNS " /proc/self/mountinfo)" || fail "$NETNS is not a shared mount"
[[ $(cat /sys/class/net/"$VETH_A"/master/ifindex 2>/dev/null) == $(cat /sys/class/net/"$BR"/ifindex) ]] || fail "$VETH_A is not on $BR"
[[ $(cat /sys/class/net/"$VETH_A"/brport/hairpin_mode) == 1 ]] || fail "hairpin off on $VETH_A"
grep -q " $IP_A/25 " <<<"$(in_pod "$NS_A" ip -4 -o addr show dev eth0)" || fail "eth0 in pod-a: $(in_pod "$NS_A" ip -4 -o addr)"
grep -q 'UP' <<<"$(in_pod "$NS_A" ip link show lo)" || fail "lo down in pod-a"
grep -q "via $GATEWAY dev eth0" <<<"$(in_pod "$NS_A" ip route show default)" || fail "default route: $(in_pod "$NS_A" ip route)"

echo "--- pods reach the gateway and each other"
expect_exit 0 in_pod "$NS_A" "${PING[@]}" -c1 -W1 "$GATEWAY"
expect_exit 0 in_pod "$NS_A" "${PING[@]}" -c1 -W1 "$IP_B"
expect_exit 0 in_pod "$NS_B" "${PING[@]}" -c1 -W1 "$IP_A"

echo "--- attach again (a new process): the same attachment"
expect_exit 0 drive attach pod-a
[[ $(result) == "$A" ]] || fail "re-attach changed the attachment: $(result) vs $A"
expect_exit 0 drive find pod-b
[[ $(result) == "$B" ]] || fail "find: $(result) vs $B"
expect_exit 0 drive list
[[ $(result) == $'pod-a\npod-b' ]] || fail "list: $OUT"

echo "--- attach repairs a pod whose veth is gone"
ip link del "$VETH_A"
expect_exit 0 drive attach pod-a
[[ $(result) == "$A" ]] || fail "repair changed the attachment: $(result) vs $A"
expect_exit 0 in_pod "$NS_A" "${PING[@]}" -c1 -W1 "$IP_B"

echo "--- attach recreates a namespace that is gone (as after a reboot)"
umount "$NS_A"
expect_exit 0 drive attach pod-a
[[ $(result) == "$A" ]] || fail "recreate changed the attachment: $(result) vs $A"
grep -qx "$NS_A" <<<"$(mounts_under_work)" || fail "$NS_A is not mounted again"
expect_exit 0 in_pod "$NS_A" "${PING[@]}" -c1 -W1 "$IP_B"
expect_exit 0 in_pod "$NS_B" "${PING[@]}" -c1 -W1 "$IP_A"

echo "--- detach pod-b"
expect_exit 0 drive detach pod-b
ip link show "$VETH_B" >/dev/null 2>&1 && fail "$VETH_B is still there"
[[ ! -e $NS_B ]] || fail "$NS_B is still there"
grep -qx "$NS_B" <<<"$(mounts_under_work)" && fail "$NS_B is still mounted"
grep -rqx pod-b "$STATE" && fail "pod-b still holds an address: $(grep -r . "$STATE")"
expect_exit 1 drive find pod-b
expect_exit 0 drive detach pod-b
expect_exit 0 drive list
[[ $(result) == pod-a ]] || fail "list after detach: $OUT"

echo "--- host-gw routes"
# Routes to our own CIDR and via an address of this host are skipped; no traffic is sent.
expect_exit 0 drive routes "$OTHER=10.199.$X.100" "$POD_CIDR=10.199.$X.101" "$OTHER2=$GATEWAY"
ROUTES=$(ip route show proto 75)
grep -q "^$OTHER via 10.199.$X.100 dev $BR" <<<"$ROUTES" || fail "no route to $OTHER: $ROUTES"
grep -q "^$POD_CIDR " <<<"$ROUTES" && fail "a route to our own CIDR: $ROUTES"
grep -q "^$OTHER2 " <<<"$ROUTES" && fail "a route via a local address: $ROUTES"
expect_exit 0 drive routes "$OTHER=10.199.$X.102"
grep -q "^$OTHER via 10.199.$X.102 " <<<"$(ip route show proto 75)" || fail "route not moved: $(ip route show proto 75)"
# Outside the cluster CIDR: refused, nothing added.
expect_exit 1 drive routes "192.168.77.0/24=10.199.$X.100"
grep -q "^192.168.77.0/24" <<<"$(ip route show proto 75)" && fail "a route outside the cluster: $(ip route show proto 75)"
expect_exit 0 drive routes
grep -q "^$OTHER " <<<"$(ip route show proto 75)" && fail "stale route left: $(ip route show proto 75)"

echo "--- teardown"
expect_exit 0 drive teardown
ip link show "$BR" >/dev/null 2>&1 && fail "bridge $BR is still there"
grep -q ": $PREFIX" <<<"$(ip -o link show)" && fail "veths left: $(ip -o link show | grep ": $PREFIX")"
nft list table ip "$TABLE" >/dev/null 2>&1 && fail "table $TABLE is still there"
[[ -z $(mounts_under_work) ]] || fail "mounts left: $(mounts_under_work)"
[[ ! -e $STATE && ! -e $NETNS ]] || fail "state left: $(ls -la "$WORK")"
expect_exit 0 drive teardown
echo "PASS"
