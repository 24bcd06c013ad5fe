#!/usr/bin/env bash
# Issue 6's proxy acceptance, through the real kubectl against `kscratch server` with its
# local agent and proxy (real runc pods, real nf_tables rules): a Deployment of 3 web pods
# answering with their pod name behind a Service; 60 requests to the ClusterIP from the
# host and from another pod reach all 3; the same through the NodePort on the node's
# address; a pod reaches itself through its service (hairpin); scaling to 1 and a failing
# readiness probe take endpoints out of rotation within 1 s with no failed request; a
# service without endpoints refuses at once; a restart of kscratch drops no request; the
# proxy's table is gone after scripts/kscratch-killall.sh. Only node-local addresses
# (pod IPs, ClusterIPs, the node's own address) are ever contacted. (busybox 1.35's `wget -T`
# crashes: timeouts come from `timeout` around kubectl exec.)
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../images/lib_images.sh"
source "$(dirname "$0")/../kubelet/lib_node.sh"
K=$1
command -v nft >/dev/null || fail "no nft (apt-get install nftables)"

echo "== an air-gap image and the server with its local agent and proxy"
images_build_busybox "$WORK/oci" web
mkdir -p "$WORK/data/agent/images"
images_save "$WORK/oci" web docker-archive "$WORK/data/agent/images/web.tar" proxy.local/web:1
node_start_server "$K"
source "$WORK/data/agent/host-names.env"
TABLE=$PROXY_TABLE
[[ $TABLE == kscratch-proxy-* ]] || fail "no PROXY_TABLE in host-names.env"

kubectl apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 3
      containers:
      - name: web
        image: proxy.local/web:1
        command: [sh, -c, 'mkdir -p /www && echo $POD_NAME > /www/index.html && touch /www/ready && exec httpd -f -p 8080 -h /www']
        env:
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        ports: [{name: http, containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /ready, port: http}
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec:
  selector: {app: nothing-here}
  ports: [{port: 80, targetPort: 8080}]
---
# Endpoints that stay in rotation whatever the probes say: what the restart check uses,
# since a restarted kubelet re-runs every readiness probe (pods are briefly not ready,
# as upstream's), which is a change of the service, not of the proxy.
apiVersion: v1
kind: Service
metadata: {name: web-all}
spec:
  selector: {app: web}
  publishNotReadyAddresses: true
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: client, image: proxy.local/web:1, command: [sleep, "3600"]}
YAML

ready_endpoints() {
  kubectl get endpointslices -l kubernetes.io/service-name=web \
    -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.targetRef.name}{"\n"}{end}' | sort
}
wait_until 120 "3 web pods ready" sh -c "kubectl get deploy web -o jsonpath='{.status.readyReplicas}' | grep -qx 3"
wait_until 60 "pod client running" kubectl wait --for=condition=Ready pod/client --timeout=2s
wait_until 30 "3 ready endpoints" sh -c "[ \$(kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}x{end}') = xxx ]"
CLUSTER_IP=$(kubectl get svc web -o jsonpath='{.spec.clusterIP}')
NODE_PORT=$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')
EMPTY_IP=$(kubectl get svc empty -o jsonpath='{.spec.clusterIP}')
ALL_IP=$(kubectl get svc web-all -o jsonpath='{.spec.clusterIP}')
NODE_IP=$(kubectl get node "$NODE" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
[[ $CLUSTER_IP == 10.43.* && $NODE_PORT -ge 30000 && -n $NODE_IP && $NODE_IP != 127.* ]] ||
  fail "service web: clusterIP '$CLUSTER_IP', nodePort '$NODE_PORT', node IP '$NODE_IP'"
PODS=$(kubectl get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
echo "   web $CLUSTER_IP:80 and $NODE_IP:$NODE_PORT over $(echo $PODS); table ip $TABLE"

# spread FILE: checks that FILE has 60 answers, every one a web pod, from all 3 pods.
spread() {
  local file=$1 what=$2
  [[ $(wc -l <"$file") == 60 ]] || fail "$what: $(wc -l <"$file") answers of 60: $(sort "$file" | uniq -c)"
  grep -vxF -f <(echo "$PODS") "$file" && fail "$what: answers not from a web pod: $(sort "$file" | uniq -c)"
  [[ $(sort -u "$file" | wc -l) == 3 ]] || fail "$what: not all 3 pods answered: $(sort "$file" | uniq -c)"
  echo "   $what: $(sort "$file" | uniq -c | awk '{printf "%s ", $1}')"
}
from_host() {
  local url=$1 out=$2
  : >"$out"
  for _ in $(seq 60); do curl -fsS --max-time 2 "$url" >>"$out" || echo FAILED >>"$out"; done
}
from_pod() {
  local pod=$1 url=$2 out=$3
  timeout 90 kubectl exec "$pod" -- sh -c "for i in \$(seq 60); do wget -qO- $url || echo FAILED; done" >"$out" 2>&1 || true
}

# No request leaves for a service address before the table handles it (DNAT or reject):
# until then the host would route it out of its default route.
for ip in "$CLUSTER_IP" "$EMPTY_IP" "$ALL_IP"; do
  wait_until 10 "$ip in table $TABLE" sh -c "nft list table ip $TABLE | grep -qF '$ip '"
done

echo "== 60 requests to the ClusterIP from the host and from a pod reach all 3 pods"
wait_until 10 "ClusterIP answers" curl -fsS --max-time 2 "http://$CLUSTER_IP/"
from_host "http://$CLUSTER_IP/" "$WORK/host-cluster-ip"
spread "$WORK/host-cluster-ip" "host -> ClusterIP"
from_pod client "http://$CLUSTER_IP/" "$WORK/pod-cluster-ip"
spread "$WORK/pod-cluster-ip" "pod -> ClusterIP"

echo "== the same through the NodePort on the node's address"
from_host "http://$NODE_IP:$NODE_PORT/" "$WORK/host-node-port"
spread "$WORK/host-node-port" "host -> NodePort"
from_pod client "http://$NODE_IP:$NODE_PORT/" "$WORK/pod-node-port"
spread "$WORK/pod-node-port" "pod -> NodePort"
expect_exit 7 curl -sS --max-time 2 "http://127.0.0.1:$NODE_PORT/"  # not on loopback, as upstream

echo "== hairpin: a pod reaches itself through its own service"
SELF=$(echo "$PODS" | head -1)
timeout 90 kubectl exec "$SELF" -- sh -c "for i in \$(seq 60); do wget -qO- http://$CLUSTER_IP/ || echo FAILED; done" \
  >"$WORK/hairpin" 2>&1 || true
grep -q FAILED "$WORK/hairpin" && fail "hairpin: failed requests: $(sort "$WORK/hairpin" | uniq -c)"
grep -qx "$SELF" "$WORK/hairpin" || fail "hairpin: $SELF never reached itself: $(sort "$WORK/hairpin" | uniq -c)"

echo "== a service without endpoints refuses at once"
start=$(date +%s%3N)
expect_exit 7 curl -sS --max-time 5 "http://$EMPTY_IP/"
expect_output 'Connection refused|Failed to connect'
(($(date +%s%3N) - start < 1000)) || fail "host -> empty service took $(($(date +%s%3N) - start)) ms to fail"
start=$(date +%s%3N)
expect_exit 1 timeout 20 kubectl exec client -- wget -qO- "http://$EMPTY_IP/"
expect_output 'refused'
(($(date +%s%3N) - start < 3000)) || fail "pod -> empty service took $(($(date +%s%3N) - start)) ms to fail"

echo "== the rules in the kernel: one table, upstream's layout"
expect_exit 0 nft list table ip "$TABLE"
for want in 'map service-ips' 'map no-endpoint-services' 'chain nat-prerouting' 'numgen random mod' \
  'dnat to' 'masquerade fully-random' "$EMPTY_IP . tcp . 80 : goto reject-chain"; do
  grep -qF -- "$want" <<<"$OUT" || fail "no '$want' in table ip $TABLE: $OUT"
done

# load LOG [IP]: requests to the ClusterIP (or IP) every 20 ms until $WORK/stop-load
# exists; each line "<ms> <pod>" or "<ms> FAILED".
load() {
  local log=$1 ip=${2:-$CLUSTER_IP}
  rm -f "$WORK/stop-load"
  : >"$log"
  (
    while [[ ! -e $WORK/stop-load ]]; do
      answer=$(curl -fsS --max-time 2 "http://$ip/" 2>/dev/null) || answer=FAILED
      echo "$(date +%s%3N) $answer" >>"$log"
      sleep 0.02
    done
  ) &
  LOAD_PID=$!
  PIDS+=("$LOAD_PID")
}
stop_load() {
  touch "$WORK/stop-load"
  wait "$LOAD_PID" 2>/dev/null || true
}
# rotation_after LOG MS WANT WHAT: no request failed, and every answer from MS + 1000 on
# came from WANT.
rotation_after() {
  local log=$1 since=$2 want=$3 what=$4
  grep -q FAILED "$log" && fail "$what: failed requests: $(grep -c FAILED "$log") of $(wc -l <"$log")"
  local late
  late=$(awk -v t=$((since + 1000)) -v w="$want" '$1 >= t && $2 != w' "$log" | head -3)
  [[ -z $late ]] || fail "$what: still answered by other pods more than 1 s after the change: $late"
  (($(awk -v t=$((since + 1000)) '$1 >= t' "$log" | wc -l) > 5)) || fail "$what: too few requests after the change"
  echo "   $what: $(wc -l <"$log") requests, none failed; only $want after 1 s"
}

echo "== scaling to 1 takes endpoints out of rotation within 1 s, no request fails"
load "$WORK/scale-load"
sleep 1
kubectl scale deploy web --replicas=1 >/dev/null
wait_until 30 "1 ready endpoint" sh -c "[ \$(kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}x{end}') = x ]"
changed=$(date +%s%3N)
REMAINING=$(ready_endpoints)
sleep 5
stop_load
rotation_after "$WORK/scale-load" "$changed" "$REMAINING" "scale to 1"

echo "== a failing readiness probe takes its pod out of rotation"
kubectl scale deploy web --replicas=2 >/dev/null
wait_until 60 "2 ready endpoints" sh -c "[ \$(kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}x{end}') = xx ]"
OTHER=$(ready_endpoints | grep -vx "$REMAINING")
wait_until 10 "$OTHER in rotation" sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do curl -fsS --max-time 2 http://$CLUSTER_IP/; done | grep -qx $OTHER"
load "$WORK/probe-load"
sleep 1
kubectl exec "$OTHER" -- rm /www/ready
wait_until 30 "1 ready endpoint" sh -c "[ \$(kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}x{end}') = x ]"
changed=$(date +%s%3N)
sleep 5
stop_load
rotation_after "$WORK/probe-load" "$changed" "$REMAINING" "readiness failure"

echo "== a restart of kscratch drops no request"
syncs=$(grep -c 'proxy\] full sync' "$WORK/server.log")
wait_until 10 "web-all answers" curl -fsS --max-time 2 "http://$ALL_IP/"
load "$WORK/restart-load" "$ALL_IP"
sleep 1
node_restart_server "$K"
wait_until 30 "the restarted proxy's full sync" sh -c "[ \$(grep -c 'proxy\] full sync' $WORK/server.log) -gt $syncs ]"
sleep 2
stop_load
grep -q FAILED "$WORK/restart-load" && fail "restart: $(grep -c FAILED "$WORK/restart-load") of $(wc -l <"$WORK/restart-load") requests failed"
echo "   $(wc -l <"$WORK/restart-load") requests across the restart, none failed"

echo "== kscratch-killall removes the proxy's table"
bash "$KILLALL" --data-dir "$WORK/data" >/dev/null 2>&1
expect_exit 1 nft list table ip "$TABLE"
echo "PASS"
