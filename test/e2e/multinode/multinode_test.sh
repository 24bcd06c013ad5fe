#!/usr/bin/env bash
# A 3-node cluster on one machine (issue 7): `kscratch server` and two `kscratch agent`s,
# each in its own network namespace with its own address on a test bridge (itself in a
# namespace of its own, so the host's network is untouched), with their own data dirs.
# The example's image comes through each node's air-gap images directory.
#
# Verifies: the example spreads over the nodes; a nodeSelector'd Deployment lands only on
# the labelled node; pod to pod and pod to Service across nodes (host-gw routes, the
# proxy on every node, cluster DNS on the server's node); NodePort on an agent's address;
# logs and exec reach pods on every node; cordon + drain moves pods off a node; an agent
# killed with SIGKILL goes NotReady and its pods are recreated on the others while the
# Service keeps answering; the agent restarted rejoins and gets pods again.
#
# The nodes are entered with `nsenter --net` (only the network namespace: mounts and
# cgroups stay the host's, as for a node of its own).
#
# On failure: MULTINODE_KEEP_LOGS=DIR copies the nodes' logs there; MULTINODE_PAUSE=SECONDS
# waits before tearing down, to look inside (ip netns exec ksn...).
source "$(dirname "$0")/../lib.sh"
K=$1
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
KILLALL=$ROOT/scripts/kscratch-killall.sh
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }

ID=$((RANDOM % 9000 + 1000))
NET=198.18.$((RANDOM % 250 + 1))  # RFC 2544's benchmarking range: never routed anywhere
SWITCH=ksw$ID
NS=(ksn${ID}s ksn${ID}a ksn${ID}b)
IPS=($NET.1 $NET.2 $NET.3)
NAMES=(ks$ID-server ks$ID-agent-a ks$ID-agent-b)
GRACE=8
API="https://${IPS[0]}:6443"
NODE_PIDS=("" "" "")

in_node() {  # in_node I CMD...: runs CMD in node I's network namespace
  local i=$1
  shift
  nsenter --net="/run/netns/${NS[i]}" "$@"
}
kc() { in_node 0 kubectl "$@"; }

multinode_cleanup() {
  local rc=$? i
  if ((rc != 0)); then
    echo "--- pods and events" >&2
    kc get pods -A -o wide >&2 2>&1
    kc get events -A >&2 2>&1 | tail -n 30
    [[ -n ${MULTINODE_PAUSE:-} ]] && sleep "$MULTINODE_PAUSE"
    [[ -n ${MULTINODE_KEEP_LOGS:-} ]] && mkdir -p "$MULTINODE_KEEP_LOGS" && cp "$WORK"/node*.log "$MULTINODE_KEEP_LOGS/"
    for i in 0 1 2; do
      [[ -f $WORK/node$i.log ]] || continue
      echo "--- ${NAMES[i]} log (last 40 lines)" >&2
      tail -n 40 "$WORK/node$i.log" >&2
    done
  fi
  for i in 0 1 2; do
    [[ -e /run/netns/${NS[i]} ]] || continue
    [[ -d $WORK/node$i ]] && in_node "$i" bash "$KILLALL" --data-dir "$WORK/node$i" >/dev/null 2>&1
    ip netns del "${NS[i]}" 2>/dev/null
  done
  ip netns del "$SWITCH" 2>/dev/null
  cleanup
}
trap multinode_cleanup EXIT

echo "== the test network: bridge in $SWITCH, nodes ${IPS[*]}"
ip netns add "$SWITCH"
ip -n "$SWITCH" link add br0 type bridge
ip -n "$SWITCH" link set br0 up
for i in 0 1 2; do
  ip netns add "${NS[i]}"
  ip -n "$SWITCH" link add "port$i" type veth peer name eth0 netns "${NS[i]}"
  ip -n "$SWITCH" link set "port$i" master br0 up
  ip -n "${NS[i]}" link set lo up
  ip -n "${NS[i]}" addr add "${IPS[i]}/24" dev eth0
  ip -n "${NS[i]}" link set eth0 up
  # Service addresses need a route before the proxy's DNAT (as on any host).
  ip -n "${NS[i]}" route add default dev eth0
done

echo "== the example's image, for every node's air-gap directory"
"$ROOT/scripts/build-example-image.sh" "$WORK/hello.tar" >/dev/null
for i in 0 1 2; do
  mkdir -p "$WORK/node$i/agent/images"
  cp "$WORK/hello.tar" "$WORK/node$i/agent/images/hello.tar"
done

node_flags() {  # the flags every node gets, for node I
  local i=$1
  echo --data-dir "$WORK/node$i" --node-name "${NAMES[i]}" --node-ip "${IPS[i]}" \
    --pod-log-dir "$WORK/logs$i" --private-registry "$WORK/no-registries.yaml"
}
start_agent() {
  local i=$1
  # shellcheck disable=SC2046
  # nsenter itself, not the in_node function: $! must be the agent (nsenter execs it).
  nsenter --net="/run/netns/${NS[i]}" "$K" agent --server "$API" --token "$TOKEN" $(node_flags "$i") >>"$WORK/node$i.log" 2>&1 &
  NODE_PIDS[i]=$!
  PIDS+=($!)
}
node_ready() {
  [[ $(kc get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}
# Pods of a selector that are not being deleted, as "name node phase ready".
live_pods() {
  kc get pods -l "$1" -o go-template='{{range .items}}{{if not .metadata.deletionTimestamp}}{{.metadata.name}} {{.spec.nodeName}} {{.status.phase}} {{range .status.conditions}}{{if eq .type "Ready"}}{{.status}}{{end}}{{end}}{{"\n"}}{{end}}{{end}}'
}
# all_ready SELECTOR N: exactly N live pods, all Running and Ready.
all_ready() {
  local out
  out=$(live_pods "$1")
  [[ $(grep -c . <<<"$out") == "$2" ]] && ! grep -vq ' Running True$' <<<"$out"
}
nodes_of() { live_pods "$1" | awk '{print $2}' | sort | uniq -c; }
# hello_ready_without NODE: the example's 3 pods Ready, none on NODE.
# (Output is captured before grep -q: with pipefail, grep -q leaving early fails the pipe.)
has_pod_on() { local pods; pods=$(live_pods "$1"); grep -q " $2 " <<<"$pods"; }
hello_ready_without() { all_ready app=hello 3 && ! has_pod_on app=hello "$1"; }
node_not_ready() { ! node_ready "$1"; }
pod_gone() { ! kc get pod "$1" >/dev/null 2>&1; }
# fetch_in_pod POD URL: one HTTP GET from inside POD (kubectl exec; busybox's wget, whose
# -T crashes in Debian's busybox-static 1.35, so the timeout is outside).
fetch_in_pod() { timeout 10 nsenter --net="/run/netns/${NS[0]}" kubectl exec "$1" -- wget -qO- "$2"; }
# get_from NODE URL: one HTTP GET from node NODE's network namespace.
get_from() { in_node "$1" curl -sS --max-time 3 "$2"; }

echo "== the server (control plane and local agent) and two agents start"
export HOME=$WORK/home KUBECONFIG=$WORK/kubeconfig.yaml
mkdir -p "$HOME"
# shellcheck disable=SC2046
nsenter --net="/run/netns/${NS[0]}" "$K" server $(node_flags 0) --write-kubeconfig "$KUBECONFIG" \
  --cluster-cidr "10.$((120 + RANDOM % 100)).0.0/16" --node-monitor-grace-period "$GRACE" \
  --default-not-ready-toleration-seconds 4 --default-unreachable-toleration-seconds 4 >"$WORK/node0.log" 2>&1 &
NODE_PIDS[0]=$!
PIDS+=($!)
wait_until 30 "API server up" kc get --raw /readyz
TOKEN=$(cat "$WORK/node0/server/token")
start_agent 1
start_agent 2
for i in 0 1 2; do wait_until 90 "node ${NAMES[i]} Ready" node_ready "${NAMES[i]}"; done
kc get nodes -o wide

echo "== the example's 3 replicas spread over the 3 nodes"
expect_exit 0 kc apply -f "$ROOT/example-deployment.yaml"
wait_until 120 "3 hello pods Ready" all_ready app=hello 3
nodes_of app=hello
[[ $(nodes_of app=hello | wc -l) == 3 ]] || fail "hello pods are not on 3 nodes: $(nodes_of app=hello)"

echo "== a nodeSelector'd Deployment lands only on the labelled node"
expect_exit 0 kc label node "${NAMES[2]}" disk=ssd
kc create deployment pinned --image kscratch.local/hello:1.0 --replicas 3 --dry-run=client -o json |
  python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["spec"]["template"]["spec"]; s["nodeSelector"]={"disk":"ssd"}; s["containers"][0]["imagePullPolicy"]="IfNotPresent"; print(json.dumps(d))' \
  >"$WORK/pinned.json"
expect_exit 0 kc apply -f "$WORK/pinned.json"
wait_until 90 "3 pinned pods Ready" all_ready app=pinned 3
[[ $(nodes_of app=pinned | awk '{print $2}') == "${NAMES[2]}" ]] || fail "pinned pods not all on ${NAMES[2]}: $(nodes_of app=pinned)"
expect_exit 0 kc delete deployment pinned

echo "== pod to pod across nodes, and exec reaches pods on every node"
pod_on() { live_pods app=hello | awk -v n="$1" '$2 == n {print $1; exit}'; }
pod_ip() { kc get pod "$1" -o jsonpath='{.status.podIP}'; }
for i in 0 1 2; do
  from=$(pod_on "${NAMES[i]}")
  to_node=${NAMES[$(((i + 1) % 3))]}
  to=$(pod_on "$to_node")
  wait_until 20 "$from (on ${NAMES[i]}) reaching $to (on $to_node)" \
    fetch_in_pod "$from" "http://$(pod_ip "$to"):8080/"
  [[ $OUT == *"hello from $to on $to_node"* ]] || fail "$from got '$OUT' from $to"
done

echo "== logs reach pods on every node"
for i in 0 1 2; do
  expect_exit 0 kc logs "$(pod_on "${NAMES[i]}")"
done

echo "== pod to Service across nodes, by ClusterIP and by name"
CLUSTER_IP=$(kc get svc hello -o jsonpath='{.spec.clusterIP}')
answers() {  # answers I N ADDRESS: N requests from a pod on node I to ADDRESS; the answering nodes
  local from=$(pod_on "${NAMES[$1]}") n
  for n in $(seq "$2"); do fetch_in_pod "$from" "http://$3/" || true; done | awk '{print $NF}' | sort -u
}
seen=$(answers 0 15 "$CLUSTER_IP")
[[ $(grep -c . <<<"$seen") -ge 2 ]] || fail "ClusterIP from ${NAMES[0]}: answers only from: $seen"
seen=$(answers 1 15 hello.default.svc.cluster.local)
[[ $(grep -c . <<<"$seen") -ge 2 ]] || fail "hello.default.svc.cluster.local from ${NAMES[1]}: answers only from: $seen"

echo "== NodePort on an agent's address, from another node"
seen=$(for n in $(seq 15); do get_from 0 "http://${IPS[1]}:30080/" || true; done | awk '{print $NF}' | sort -u)
[[ $(grep -c . <<<"$seen") -ge 2 ]] || fail "NodePort ${IPS[1]}:30080: answers only from: $seen"

echo "== cordon and drain move pods off ${NAMES[1]}"
expect_exit 0 kc drain "${NAMES[1]}" --ignore-daemonsets --delete-emptydir-data --timeout 90s
[[ $(kc get node "${NAMES[1]}" -o jsonpath='{.spec.unschedulable}') == true ]] || fail "${NAMES[1]} not cordoned"
wait_until 90 "3 hello pods Ready off ${NAMES[1]}" hello_ready_without "${NAMES[1]}"
expect_exit 0 kc uncordon "${NAMES[1]}"
# A restarted rollout spreads the pods again over the 3 schedulable nodes.
expect_exit 0 kc rollout restart deployment hello
expect_exit 0 kc rollout status deployment hello --timeout 120s
wait_until 60 "3 hello pods Ready after the restart" all_ready app=hello 3
nodes_of app=hello

echo "== an agent killed with SIGKILL: NotReady, its pods recreated elsewhere, the Service answering"
# The victim: an agent with the fewest (but some) hello pods; the others keep serving.
victim=""
for i in 1 2; do
  count=$(live_pods app=hello | awk -v n="${NAMES[i]}" '$2 == n' | wc -l)
  if ((count > 0)) && { [[ -z $victim ]] || ((count < best)); }; then victim=$i best=$count; fi
done
[[ -n $victim ]] || fail "no hello pod on an agent to lose: $(nodes_of app=hello)"
before=$(live_pods app=hello | awk -v n="${NAMES[victim]}" '$2 == n {print $1}')
((best < 3)) || fail "every hello pod is on ${NAMES[victim]}: nothing would answer while it is gone"
kill -KILL "${NODE_PIDS[victim]}"
# Requests from the server's node keep going while the cluster notices.
(
  ok=0 failed=0
  end=$((SECONDS + 3 * GRACE))
  while ((SECONDS < end)); do
    if get_from 0 "http://$CLUSTER_IP/" >/dev/null 2>&1; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
    sleep 0.2
  done
  echo "$ok $failed" >"$WORK/during-failover"
) &
prober=$!
wait_until $((GRACE + 30)) "${NAMES[victim]} not Ready" node_not_ready "${NAMES[victim]}"
wait_until 90 "3 hello pods Ready on the other nodes" hello_ready_without "${NAMES[victim]}"
wait "$prober"
read -r ok failed <"$WORK/during-failover"
echo "requests to the Service during the failover: $ok answered, $failed failed"
((ok > 0 && failed == 0)) || fail "the Service did not keep answering: $ok answered, $failed failed"

echo "== the agent restarted rejoins, cleans up and gets pods again"
start_agent "$victim"
wait_until 60 "${NAMES[victim]} Ready again" node_ready "${NAMES[victim]}"
for p in $before; do
  wait_until 60 "pod $p of the lost node gone" pod_gone "$p"
done
expect_exit 0 kc scale deployment hello --replicas 6
wait_until 120 "6 hello pods Ready" all_ready app=hello 6
nodes_of app=hello
has_pod_on app=hello "${NAMES[victim]}" || fail "${NAMES[victim]} got no pod after rejoining: $(nodes_of app=hello)"
echo "PASS"
