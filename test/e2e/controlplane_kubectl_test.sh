# The control plane (apiserver, controller manager, scheduler) against the real kubectl
# 1.32, with no kubelet: three Node objects made through the API and a fake kubelet in
# bash that marks bound pods Running and Ready and completes graceful deletes. Covers
# node pod CIDRs, apply → pods scheduled and spread, rollout status/history/undo,
# set image, scale, describe events, Endpoints and EndpointSlices, cascading delete by
# the garbage collector, and FailedScheduling for a pod that fits nowhere.
source "$(dirname "$0")/lib.sh"
K=$1
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }

PORT=16505
# No Lease renewals from the fake kubelet: a long grace period keeps the nodes Ready.
start_server_for_kubectl "$K" $PORT --node-monitor-grace-period 600

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# --- Nodes, as a kubelet would register them. -------------------------------------
NODES=(n1 n2 n3)
for i in 1 2 3; do
  cat >"$WORK/node-n$i.yaml" <<YAML
apiVersion: v1
kind: Node
metadata:
  name: n$i
  labels:
    kubernetes.io/hostname: n$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
YAML
  expect_exit 0 kubectl create -f "$WORK/node-n$i.yaml"
  expect_output "^node/n$i created$"
done
for i in 1 2 3; do
  T=$(now)
  expect_exit 0 kubectl patch node n$i --subresource=status --type=merge -p "{\"status\":{
    \"capacity\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"110\"},
    \"allocatable\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"110\"},
    \"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.168.50.1$i\"},{\"type\":\"Hostname\",\"address\":\"n$i\"}],
    \"nodeInfo\":{\"kubeletVersion\":\"v1.32.0\",\"kubeProxyVersion\":\"v1.32.0\",\"operatingSystem\":\"linux\",
      \"architecture\":\"amd64\",\"containerRuntimeVersion\":\"containerd://1.7.0\",\"osImage\":\"Debian GNU/Linux 12\",
      \"kernelVersion\":\"6.1.0\",\"machineID\":\"m$i\",\"systemUUID\":\"u$i\",\"bootID\":\"b$i\"},
    \"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",
      \"message\":\"kubelet is posting ready status\",\"lastHeartbeatTime\":\"$T\",\"lastTransitionTime\":\"$T\"}]}}"
  expect_output "^node/n$i patched$"
done

# Ready nodes, untainted (the node lifecycle controller lifts not-ready taints), each with
# its own /24 of the cluster CIDR.
nodes_ready() {
  kubectl get nodes --no-headers || return 1
  [[ $(grep -cE '^n[123] +Ready +<none> +[0-9]+s +v1\.32\.0$' <<<"$(kubectl get nodes --no-headers)") == 3 ]] || return 1
  local taints cidrs
  taints=$(kubectl get nodes -o jsonpath='{.items[*].spec.taints}') || return 1
  [[ -z $taints ]] || { echo "taints: $taints"; return 1; }
  cidrs=$(kubectl get nodes -o jsonpath='{range .items[*]}{.spec.podCIDR}{"\n"}{end}') || return 1
  [[ $(grep -cE '^10\.42\.[0-9]+\.0/24$' <<<"$cidrs") == 3 && $(sort -u <<<"$cidrs" | wc -l) == 3 ]] \
    || { echo "podCIDRs: $cidrs"; return 1; }
}
wait_until 20 "3 Ready untainted nodes with distinct pod CIDRs" nodes_ready
expect_exit 0 kubectl get nodes -o wide
expect_output '^NAME +STATUS +ROLES +AGE +VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME$'
expect_output '^n1 +Ready +<none> +[0-9]+s +v1\.32\.0 +192\.168\.50\.11 +<none> +Debian GNU/Linux 12 +6\.1\.0 +containerd://1\.7\.0$'
declare -A PREFIX
for n in "${NODES[@]}"; do
  cidr=$(kubectl get node "$n" -o jsonpath='{.spec.podCIDR}')
  PREFIX[$n]=${cidr%.0/24}
done

# --- The fake kubelet. -------------------------------------------------------------
# One list per round: bound pods not yet Running become Running and Ready with an IP
# from their node's pod CIDR; pods being deleted are deleted for good.
fake_kubelet() {
  set +e +o pipefail
  local n=1
  while :; do
    kubectl get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}|{.metadata.name}|{.spec.nodeName}|{.status.phase}|{.metadata.deletionTimestamp}|{.spec.containers[*].name}{"\n"}{end}' \
      >"$WORK/kubelet.pods" 2>>"$WORK/kubelet.log"
    while IFS='|' read -r ns name node phase deleting containers; do
      [[ -n $name && -n $node ]] || continue
      if [[ -n $deleting ]]; then
        echo "delete $ns/$name" >>"$WORK/kubelet.log"
        kubectl delete pod -n "$ns" "$name" --grace-period=0 --force --wait=false >>"$WORK/kubelet.log" 2>&1
      elif [[ $phase != Running ]]; then
        local t ip statuses="" c
        t=$(now)
        ip=${PREFIX[$node]:-10.42.250}.$((n % 250 + 2))
        n=$((n + 1))
        for c in $containers; do
          statuses+="${statuses:+,}{\"name\":\"$c\",\"ready\":true,\"started\":true,\"restartCount\":0,\"image\":\"img\",\"imageID\":\"\",\"containerID\":\"containerd://$name-$c\",\"state\":{\"running\":{\"startedAt\":\"$t\"}}}"
        done
        echo "run $ns/$name on $node at $ip" >>"$WORK/kubelet.log"
        kubectl patch pod -n "$ns" "$name" --subresource=status --type=strategic -p "{\"status\":{
          \"phase\":\"Running\",\"hostIP\":\"192.168.50.1${node#n}\",\"podIP\":\"$ip\",\"podIPs\":[{\"ip\":\"$ip\"}],\"startTime\":\"$t\",
          \"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":\"$t\"},
            {\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$t\"},
            {\"type\":\"ContainersReady\",\"status\":\"True\",\"lastTransitionTime\":\"$t\"}],
          \"containerStatuses\":[$statuses]}}" >>"$WORK/kubelet.log" 2>&1
      fi
    done <"$WORK/kubelet.pods"
    sleep 0.3
  done
}
fake_kubelet &
PIDS+=($!)

# --- The Deployment and its Service. -----------------------------------------------
EXAMPLE=$(dirname "$0")/../../example-deployment.yaml
expect_exit 0 kubectl apply -f "$EXAMPLE"
expect_output '^deployment.apps/hello created$'
expect_output '^service/hello created$'
expect_exit 0 kubectl rollout status deploy/hello --timeout=60s
expect_output '^deployment "hello" successfully rolled out$'
expect_exit 0 kubectl get deploy hello
expect_output '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE$'
expect_output '^hello +3/3 +3 +3 +[0-9]+s$'

# Each pod bound to one of the nodes, Running with an IP from that node's CIDR, and
# spread over at least two nodes.
expect_exit 0 kubectl get pods -l app=hello -o wide
expect_output '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$'
PODS_WIDE=$OUT
[[ $(grep -cE '^hello-[a-z0-9]+-[a-z0-9]{5} +1/1 +Running +0 +[0-9]+s +10\.42\.[0-9]+\.[0-9]+ +n[123] +<none> +<none>$' <<<"$PODS_WIDE") == 3 ]] \
  || fail "want 3 Running pods on n1-n3: $PODS_WIDE"
USED=$(awk 'NR > 1 {print $7}' <<<"$PODS_WIDE" | sort -u | wc -l)
((USED >= 2)) || fail "pods not spread over 2+ nodes: $PODS_WIDE"
while read -r _ _ _ _ _ ip node _; do
  [[ $ip == "${PREFIX[$node]}".* ]] || fail "pod IP $ip not in $node's CIDR ${PREFIX[$node]}.0/24"
done < <(tail -n +2 <<<"$PODS_WIDE")
# Binding marks the pods scheduled, as upstream's setPodHostAndAnnotations.
expect_exit 0 kubectl get pods -l app=hello -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="PodScheduled")].status}{end}'
[[ $OUT == TrueTrueTrue ]] || fail "PodScheduled conditions gave '$OUT'"
# The pods belong to a ReplicaSet owned by the Deployment.
expect_exit 0 kubectl get rs -l app=hello -o jsonpath='{.items[*].metadata.ownerReferences[0].kind}/{.items[*].metadata.ownerReferences[0].name}'
[[ $OUT == Deployment/hello ]] || fail "ReplicaSet owner gave '$OUT'"
RS1=$(kubectl get rs -l app=hello -o jsonpath='{.items[0].metadata.name}')
expect_exit 0 kubectl wait --for=condition=Available deploy/hello --timeout=10s
expect_output '^deployment.apps/hello condition met$'
# describe: the node with its IP, the owner, and the scheduler's event.
POD1=$(kubectl get pods -l app=hello -o jsonpath='{.items[0].metadata.name}')
NODE1=$(kubectl get pod "$POD1" -o jsonpath='{.spec.nodeName}')
expect_exit 0 kubectl describe pod "$POD1"
expect_output "^Node:[[:space:]]+$NODE1/192\.168\.50\.1${NODE1#n}$"
expect_output '^Status:[[:space:]]+Running$'
expect_output '^IP:[[:space:]]+10\.42\.[0-9]+\.[0-9]+$'
expect_output "^Controlled By:[[:space:]]+ReplicaSet/$RS1$"
expect_output "^  Normal +Scheduled +[0-9]+s +default-scheduler +Successfully assigned default/$POD1 to $NODE1$"
expect_exit 0 kubectl get pods -l app=hello -o jsonpath='{.items[*].metadata.ownerReferences[0].name}'
[[ $OUT == "$RS1 $RS1 $RS1" ]] || fail "pod owners gave '$OUT', want $RS1"

# --- set image, rollout history, rollout undo. ---------------------------------------
expect_exit 0 kubectl set image deploy/hello web=kscratch.local/hello:2.0
expect_output '^deployment.apps/hello image updated$'
expect_exit 0 kubectl rollout status deploy/hello --timeout=60s
expect_output '^deployment "hello" successfully rolled out$'
# Old pods may still be terminating (the fake kubelet completes their deletes).
pods_run() {
  local got
  got=$(kubectl get pods -l app=hello -o jsonpath='{range .items[*]}{.spec.containers[0].image}{"\n"}{end}') || return 1
  [[ $(sort -u <<<"$got") == "$1" && $(wc -l <<<"$got") == "$2" ]] || { echo "pods run: $got"; return 1; }
}
wait_until 20 "3 pods running image 2.0" pods_run kscratch.local/hello:2.0 3
expect_exit 0 kubectl get rs -l app=hello
expect_output '^NAME +DESIRED +CURRENT +READY +AGE$'
expect_output "^$RS1 +0 +0 +0 +[0-9]+s$"
expect_output '^hello-[a-z0-9]+ +3 +3 +3 +[0-9]+s$'
expect_exit 0 kubectl get deploy hello -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'
[[ $OUT == 2 ]] || fail "revision after set image is '$OUT'"

expect_exit 0 kubectl rollout history deploy/hello
expect_output '^deployment.apps/hello *$'
expect_output '^REVISION +CHANGE-CAUSE$'
expect_output '^1 +<none>$'
expect_output '^2 +<none>$'
expect_exit 0 kubectl rollout history deploy/hello --revision=2
expect_output 'Image:[[:space:]]+kscratch.local/hello:2.0$'

expect_exit 0 kubectl rollout undo deploy/hello
expect_output '^deployment.apps/hello rolled back$'
expect_exit 0 kubectl rollout status deploy/hello --timeout=60s
expect_output '^deployment "hello" successfully rolled out$'
expect_exit 0 kubectl get deploy hello -o jsonpath='{.spec.template.spec.containers[0].image}'
[[ $OUT == kscratch.local/hello:1.0 ]] || fail "rollout undo left image '$OUT'"
wait_until 20 "3 pods running image 1.0 after undo" pods_run kscratch.local/hello:1.0 3
# The undo reuses the first ReplicaSet, now revision 3.
expect_exit 0 kubectl get rs "$RS1" -o jsonpath='{.spec.replicas} {.metadata.annotations.deployment\.kubernetes\.io/revision}'
[[ $OUT == "3 3" ]] || fail "first ReplicaSet after undo: '$OUT', want '3 3'"
expect_exit 0 kubectl rollout history deploy/hello
expect_output '^2 +<none>$'
expect_output '^3 +<none>$'

# --- scale. ----------------------------------------------------------------------------
expect_exit 0 kubectl scale deploy/hello --replicas=5
expect_output '^deployment.apps/hello scaled$'
expect_exit 0 kubectl rollout status deploy/hello --timeout=60s
expect_output '^deployment "hello" successfully rolled out$'
five_ready() {
  kubectl get deploy hello --no-headers | grep -E '^hello +5/5 +5 +5 ' || return 1
  [[ $(kubectl get pods -l app=hello --no-headers | grep -cE ' 1/1 +Running ') == 5 ]]
}
wait_until 30 "5 ready pods" five_ready
expect_exit 0 kubectl get pods -l app=hello -o wide --no-headers
[[ $(awk '{print $7}' <<<"$OUT" | sort -u | wc -l) == 3 ]] || fail "5 pods not on all 3 nodes: $OUT"

expect_exit 0 kubectl describe deploy hello
expect_output '^Name: +hello$'
expect_output '^Replicas: +5 desired \| 5 updated \| 5 total \| 5 available \| 0 unavailable$'
expect_output '^StrategyType: +RollingUpdate$'
expect_output "^NewReplicaSet: +$RS1 \(5/5 replicas created\)$"
expect_output '^Events:$'
expect_output '^  Type +Reason +Age +From +Message$'
expect_output "^  Normal +ScalingReplicaSet +.* +deployment-controller +Scaled up replica set $RS1 (from [0-9]+ )?to 5"
expect_output '^  Normal +ScalingReplicaSet +.* +deployment-controller +Scaled down replica set hello-'
# One event per scale step: a step refused on a stale cache and retried is not reported twice.
grep -Eq 'ScalingReplicaSet +[0-9]+s \(x[0-9]+ over' <<<"$OUT" && fail "duplicate scaling events: $OUT"

# --- Endpoints and EndpointSlices list the pod IPs on the named target port. ------------
POD_IPS=$(kubectl get pods -l app=hello -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | sort)
[[ $(wc -l <<<"$POD_IPS") == 5 ]] || fail "pod IPs: $POD_IPS"
endpoints_match() {
  local got
  got=$(kubectl get endpoints hello -o jsonpath='{range .subsets[*].addresses[*]}{.ip}{"\n"}{end}' | sort) || return 1
  [[ $got == "$POD_IPS" ]] || { echo "endpoints: $got"; return 1; }
  got=$(kubectl get endpointslices -l kubernetes.io/service-name=hello \
    -o jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}{"\n"}{end}' | sort) || return 1
  [[ $got == "$POD_IPS" ]] || { echo "endpointslices: $got"; return 1; }
}
wait_until 20 "Endpoints and EndpointSlices with the 5 pod IPs" endpoints_match
expect_exit 0 kubectl get endpoints hello
expect_output '^NAME +ENDPOINTS +AGE$'
expect_output '^hello +10\.42\.[0-9]+\.[0-9]+:8080,10\.42\.[0-9]+\.[0-9]+:8080,10\.42\.[0-9]+\.[0-9]+:8080 \+ 2 more\.\.\. +[0-9]+s$'
expect_exit 0 kubectl get endpointslices -l kubernetes.io/service-name=hello
expect_output '^NAME +ADDRESSTYPE +PORTS +ENDPOINTS +AGE$'
expect_output '^hello-[a-z0-9]{5} +IPv4 +8080 +10\.42\.[0-9]+\.[0-9]+,10\.42\.[0-9]+\.[0-9]+,10\.42\.[0-9]+\.[0-9]+ \+ 2 more\.\.\. +[0-9]+s$'
expect_exit 0 kubectl get endpointslices -l kubernetes.io/service-name=hello \
  -o jsonpath='{.items[0].ports[0].name}:{.items[0].ports[0].port} {.items[0].endpoints[0].conditions.ready} {.items[0].endpoints[0].targetRef.kind}'
[[ $OUT == "http:8080 true Pod" ]] || fail "endpoint slice ports/conditions gave '$OUT'"

# --- A pod that fits nowhere stays Pending with a FailedScheduling event. --------------
expect_exit 0 kubectl run stuck --image=busybox --overrides='{"spec":{"nodeSelector":{"disk":"ssd"}}}'
expect_output '^pod/stuck created$'
failed_scheduling() {
  kubectl describe pod stuck | grep -E "^  Warning +FailedScheduling +.* +default-scheduler +0/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity/selector\. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling\.$"
}
wait_until 20 "FailedScheduling event for pod stuck" failed_scheduling
expect_exit 0 kubectl get pod stuck -o wide
expect_output '^stuck +0/1 +Pending +0 +[0-9]+s +<none> +<none> +<none> +<none>$'
expect_exit 0 kubectl get pod stuck -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].status} {.status.conditions[?(@.type=="PodScheduled")].reason}'
[[ $OUT == "False Unschedulable" ]] || fail "stuck pod's PodScheduled condition: '$OUT'"
expect_exit 0 kubectl get events --field-selector involvedObject.name=stuck
expect_output 'Warning +FailedScheduling +pod/stuck +0/3 nodes are available'
expect_exit 0 kubectl delete pod stuck
expect_output '^pod "stuck" deleted$'

# --- delete: the garbage collector removes the ReplicaSets and their pods. --------------
expect_exit 0 kubectl delete deploy hello
expect_output '^deployment.apps "hello" deleted$'
all_gone() {
  local left
  left=$(kubectl get rs,pods -l app=hello -o name) || return 1
  [[ -z $left ]] || { echo "left: $left"; return 1; }
}
wait_until 30 "ReplicaSets and pods of the deleted Deployment gone" all_gone
expect_exit 0 kubectl get rs,pods -l app=hello
expect_output '^No resources found in default namespace\.$'
# The Service stays, its endpoints now empty.
endpoints_empty() {
  local got
  got=$(kubectl get endpointslices -l kubernetes.io/service-name=hello -o jsonpath='{.items[*].endpoints[*].addresses[*]}') || return 1
  [[ -z $got ]] || { echo "endpointslices: $got"; return 1; }
}
wait_until 20 "EndpointSlices of hello emptied" endpoints_empty
expect_exit 0 kubectl get endpoints hello
expect_output '^hello +<none> +[0-9]+s$'
echo "control plane with kubectl: ok"
