#!/usr/bin/env bash
# Cluster DNS (issue 6) against a real `kscratch server` with its local agent: the
# kube-system/kube-dns Service at --cluster-dns with endpoints at the node's DNS server;
# A, AAAA, SRV, PTR, NXDOMAIN (with SOA), headless services over real pods, pods by
# dashed address, ExternalName, over UDP and TCP, asked directly at the server's address;
# then from inside a busybox pod: its resolv.conf, and nslookup through the pod network.
# Where the proxy runs, nslookup <svc> through the kube-dns ClusterIP too (skipped, saying
# so, in a build without it). Only the node's own addresses are queried, and names outside
# the cluster are forwarded to loopback, so nothing leaves the machine.
#
# --cluster-dns is not the default 10.43.0.10 (the unit tests check that default) but an
# address of the low band no other cluster allocates: servers of tests running beside
# this one keep kube-dns at 10.43.0.10, and their proxies' rules would send it elsewhere.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../images/lib_images.sh"
source "$(dirname "$0")/../kubelet/lib_node.sh"
K=$1
DNSQ="python3 $(dirname "$0")/dnsq.py"
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 0; }
[[ $(id -u) == 0 ]] || fail "needs root (runc, network namespaces)"

echo "== a busybox image as an air-gap archive"
images_build_busybox "$WORK/oci" busybox
mkdir -p "$WORK/data/agent/images"
images_save "$WORK/oci" busybox docker-archive "$WORK/data/agent/images/busybox.tar" dns.local/busybox:1
IMAGE=dns.local/busybox:1

echo "== the server, its DNS on the node IP at a port of the test's own"
DNS_PORT=$(images_pick_port $((15300 + RANDOM % 200)))
# Names outside the cluster (a pod's resolver also asks `web` as it is) go to a nameserver
# on loopback where nothing listens: refused at once, never off the machine.
echo "nameserver 127.0.0.1" >"$WORK/resolv.conf"
CLUSTER_DNS=10.43.0.$((11 + RANDOM % 240))
CLUSTER_DNS_RE=${CLUSTER_DNS//./\\.}
node_start_server "$K" --dns-port "$DNS_PORT" --dns-resolv-conf "$WORK/resolv.conf" --cluster-dns "$CLUSTER_DNS"
wait_for_log "$WORK/server.log" 'serving DNS for cluster.local on [0-9.]+:'"$DNS_PORT" 30
wait_for_log "$WORK/server.log" 'forwarding names outside cluster.local to 127\.0\.0\.1:53$' 5
NODE_IP=$(kubectl get node "$NODE" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
[[ -n $NODE_IP ]] || fail "node $NODE has no InternalIP"
q() { $DNSQ "$NODE_IP" "$DNS_PORT" "$@"; }

echo "== kube-system/kube-dns: $CLUSTER_DNS, endpoints at the DNS server"
wait_until 20 "Service kube-system/kube-dns" kubectl get svc -n kube-system kube-dns
expect_output "^kube-dns +ClusterIP +$CLUSTER_DNS_RE +<none> +53/UDP,53/TCP"
wait_until 20 "kube-dns endpoints" sh -c "kubectl get endpoints -n kube-system kube-dns | grep -q '$NODE_IP:$DNS_PORT'"
expect_exit 0 kubectl get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns \
  -o jsonpath='{.items[0].endpoints[0].addresses[0]} {.items[0].ports[*].port} {.items[0].metadata.labels}'
expect_output "^$NODE_IP $DNS_PORT $DNS_PORT "
expect_output 'endpointslice.kubernetes.io/managed-by":"dns.kscratch.io'
expect_exit 0 q kube-dns.kube-system.svc.cluster.local A
expect_output "^an A $CLUSTER_DNS_RE ttl=5 "

echo "== services: ClusterIP, headless over a Deployment, ExternalName"
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  type: ExternalName
  externalName: example.org
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: db, image: $IMAGE, args: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: client, image: $IMAGE, args: [sleep, "3600"]}
YAML
WEB_IP=$(kubectl get svc web -o jsonpath='{.spec.clusterIP}')
[[ $WEB_IP == 10.43.* ]] || fail "web has ClusterIP '$WEB_IP'"

echo "== A, over UDP and TCP; AAAA empty; NXDOMAIN with the SOA"
wait_until 10 "web's A record" sh -c "$DNSQ $NODE_IP $DNS_PORT web.default.svc.cluster.local A | grep -q '^an A $WEB_IP '"
expect_exit 0 q web.default.svc.cluster.local A
expect_output '^rcode NOERROR$'
expect_output '^flags aa'
expect_exit 0 q WEB.Default.svc.Cluster.Local A --tcp
expect_output "^an A $WEB_IP ttl=5 owner=WEB.Default.svc.Cluster.Local$"
expect_exit 0 q web.default.svc.cluster.local AAAA
expect_output '^rcode NOERROR$'
grep -q '^an ' <<<"$OUT" && fail "AAAA has answers: $OUT"
expect_output '^ns SOA ns\.dns\.cluster\.local hostmaster\.cluster\.local [0-9]+ 7200 1800 86400 5 ttl=5'
expect_exit 0 q nope.default.svc.cluster.local A
expect_output '^rcode NXDOMAIN$'
expect_output '^ns SOA ns\.dns\.cluster\.local '
expect_exit 0 q web.default.svc.cluster.local.default.svc.cluster.local A  # a search-path try
expect_output '^rcode NXDOMAIN$'
# Outside the cluster: forwarded, and the (refusing) upstream makes it SERVFAIL.
expect_exit 0 q example.test A
expect_output '^rcode SERVFAIL$'
expect_exit 0 q dns-version.cluster.local TXT
expect_output '^an TXT "1\.1\.0"'

echo "== SRV and PTR"
expect_exit 0 q _http._tcp.web.default.svc.cluster.local SRV
expect_output '^an SRV 0 100 80 web\.default\.svc\.cluster\.local '
expect_output "^ar A $WEB_IP "
IFS=. read -r o1 o2 o3 o4 <<<"$WEB_IP"
expect_exit 0 q "$o4.$o3.$o2.$o1.in-addr.arpa" PTR
expect_output '^an PTR web\.default\.svc\.cluster\.local '

echo "== ExternalName: a CNAME"
expect_exit 0 q ext.default.svc.cluster.local CNAME
expect_output '^an CNAME example\.org '

echo "== headless: one A per ready pod, PTR and SRV by endpoint"
wait_until 90 "2 db pods Ready" sh -c \
  "kubectl get pods -l app=db -o jsonpath='{.items[*].status.conditions[?(@.type==\"Ready\")].status}' | grep -qx 'True True'"
DB_IPS=$(kubectl get pods -l app=db -o jsonpath='{.items[*].status.podIP}' | tr ' ' '\n' | sort | tr '\n' ' ')
wait_until 15 "db's A records" sh -c "[ \"\$($DNSQ $NODE_IP $DNS_PORT db.default.svc.cluster.local A | \
  awk '/^an A /{print \$3}' | sort | tr '\n' ' ')\" = '$DB_IPS' ]"
DB_IP=${DB_IPS%% *}
DASHED=${DB_IP//./-}
expect_exit 0 q "$DASHED.db.default.svc.cluster.local" A
expect_output "^an A $DB_IP "
IFS=. read -r o1 o2 o3 o4 <<<"$DB_IP"
expect_exit 0 q "$o4.$o3.$o2.$o1.in-addr.arpa" PTR
expect_output "^an PTR $DASHED\.db\.default\.svc\.cluster\.local "
expect_exit 0 q _pg._tcp.db.default.svc.cluster.local SRV
[[ $(grep -c '^an SRV 0 50 5432 ' <<<"$OUT") == 2 ]] || fail "SRV of db: $OUT"
expect_exit 0 q "$DASHED.default.pod.cluster.local" A
expect_output "^an A $DB_IP "

echo "== scaled to 1, the headless name follows"
expect_exit 0 kubectl scale deploy/db --replicas=1
wait_until 30 "one A record for db" sh -c \
  "[ \$($DNSQ $NODE_IP $DNS_PORT db.default.svc.cluster.local A | grep -c '^an A ') = 1 ]"

echo "== from a pod: resolv.conf, and the node's DNS server over the pod network"
wait_until 60 "pod client Ready" kubectl wait --for=condition=Ready pod/client --timeout=2s
expect_exit 0 kubectl exec client -- cat /etc/resolv.conf
expect_output '^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local'
expect_output "^nameserver $CLUSTER_DNS_RE\$"
expect_output '^options ndots:5$'
expect_exit 0 kubectl exec client -- nslookup web.default.svc.cluster.local "$NODE_IP:$DNS_PORT"
expect_output "Address: $WEB_IP"

echo "== from a pod, through the kube-dns ClusterIP $CLUSTER_DNS (needs the proxy)"
# The proxy logs "proxy for node ..." as it starts; a build without it never does.
proxy_running() {
  for _ in $(seq 50); do
    grep -q 'proxy for node' "$WORK/server.log" && return 0
    sleep 0.1
  done
  return 1
}
if proxy_running; then
  # busybox's nslookup asks a name without a dot under every search domain at once, and
  # reports those that are NXDOMAIN (exit code 1) beside the one that resolved, as it
  # does with CoreDNS.
  wait_until 20 "nslookup web from a pod" sh -c "kubectl exec client -- nslookup web 2>&1 | tr '\n' ' ' |
    grep -Eq 'Name:[[:space:]]+web\.default\.svc\.cluster\.local[[:space:]]+Address: $WEB_IP '"
  # A name with a dot busybox asks as it is.
  expect_exit 0 kubectl exec client -- nslookup web.default.svc.cluster.local
  expect_output "Address: $WEB_IP"
  expect_exit 0 kubectl exec client -- nslookup kube-dns.kube-system.svc.cluster.local
  expect_output "Address: $CLUSTER_DNS_RE"
else
  echo "this kscratch runs no proxy (no 'proxy for node' in its log): nslookup through $CLUSTER_DNS skipped"
fi

echo "== kube-dns comes back when deleted"
expect_exit 0 kubectl delete endpointslice -n kube-system kube-dns
wait_until 20 "kube-dns EndpointSlice recreated" kubectl get endpointslice -n kube-system kube-dns

echo "PASS"
