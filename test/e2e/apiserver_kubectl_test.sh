# The API server against the real kubectl 1.32: apply (create, configure, unchanged),
# server-side apply, get in every output format, watch, describe, scale, label, annotate,
# the three patch types, delete, namespaces, discovery, and errors as kubectl prints them.
source "$(dirname "$0")/lib.sh"
K=$1
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }

PORT=16502
start_server_for_kubectl "$K" $PORT

cat >"$WORK/app.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
YAML

expect_exit 0 kubectl version
expect_output 'Server Version: v1\.32\.'
expect_exit 0 kubectl get ns
for ns in default kube-system kube-public kube-node-lease; do expect_output "^$ns +Active"; done

expect_exit 0 kubectl apply -f "$WORK/app.yaml"
expect_output 'deployment.apps/web created'
expect_output 'service/web created'
expect_exit 0 kubectl apply -f "$WORK/app.yaml"
expect_output 'deployment.apps/web unchanged'
sed -i 's/replicas: 2/replicas: 3/; s/nginx:1.25/nginx:1.26/; s/containerPort: 80/containerPort: 8080/' "$WORK/app.yaml"
expect_exit 0 kubectl apply -f "$WORK/app.yaml"
expect_output 'deployment.apps/web configured'
expect_exit 0 kubectl get deploy web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[*].containerPort} {.metadata.generation}'
[[ $OUT == "3 nginx:1.26 8080 2" ]] || fail "strategic merge apply gave '$OUT'"

expect_exit 0 kubectl apply --server-side -f "$WORK/app.yaml"
expect_output 'deployment.apps/web serverside-applied'

expect_exit 0 kubectl get deploy -o wide
expect_output '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR'
expect_output '^web +0/3 +[0-3] +0 +[0-9]+s +web +nginx:1.26 +app=web'
expect_exit 0 kubectl get deploy web -o yaml
expect_output '^kind: Deployment'
expect_output '^  resourceVersion: "[0-9]+"'
expect_exit 0 kubectl get deploy web -o json
expect_output '"uid": "[0-9a-f-]{36}"'
expect_exit 0 kubectl get deploy,svc -o name
expect_output '^deployment.apps/web$'
expect_output '^service/web$'
expect_exit 0 kubectl get deploy -A --show-labels
expect_output '^default +web +0/3 .* app=web$'
expect_exit 0 kubectl get deploy -l app=web -o name
expect_output 'deployment.apps/web'
expect_exit 0 kubectl get deploy -l app=other
expect_output 'No resources found in default namespace.'
expect_exit 0 kubectl get all
expect_output 'deployment.apps/web'
expect_output 'service/web'

# A watch sees a later change.
kubectl get deploy web -w -o name >"$WORK/watch.out" 2>&1 &
WATCH=$!
PIDS+=($WATCH)
sleep 1
expect_exit 0 kubectl label deploy web tier=frontend
expect_output 'deployment.apps/web labeled'
for _ in $(seq 50); do [[ $(grep -c web "$WORK/watch.out") -ge 2 ]] && break; sleep 0.1; done
[[ $(grep -c 'deployment.apps/web' "$WORK/watch.out") -ge 2 ]] || fail "watch did not see the label change: $(cat "$WORK/watch.out")"
kill $WATCH

expect_exit 0 kubectl annotate deploy web note=hello
expect_output 'deployment.apps/web annotated'
expect_exit 0 kubectl scale deploy web --replicas=5
expect_output 'deployment.apps/web scaled'
expect_exit 0 kubectl patch deploy web --type merge -p '{"spec":{"replicas":1}}'
expect_exit 0 kubectl patch deploy web --type json -p '[{"op":"replace","path":"/spec/replicas","value":4}]'
expect_exit 0 kubectl patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}'
expect_exit 0 kubectl get deploy web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.labels.tier} {.metadata.annotations.note}'
[[ $OUT == "4 nginx:1.27 frontend hello" ]] || fail "patches gave '$OUT'"

expect_exit 0 kubectl describe deploy web
expect_output '^Name: +web$'
expect_output 'Selector: +app=web'

expect_exit 0 kubectl api-resources
expect_output '^deployments +deploy +apps/v1 +true +Deployment'
expect_output '^pods +po +v1 +true +Pod'
expect_exit 0 kubectl api-versions
expect_output '^apps/v1$'

# Errors as kubectl prints them.
expect_exit 1 kubectl get deploy missing
expect_output 'Error from server \(NotFound\): deployments.apps "missing" not found'
expect_exit 1 kubectl create -f "$WORK/app.yaml"
expect_output 'Error from server \(AlreadyExists\).*"web" already exists'

cat >"$WORK/bad.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  replicas: -1
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: c, image: busybox}]}
YAML
expect_exit 1 kubectl apply -f "$WORK/bad.yaml"
expect_output 'The Deployment "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'

# An unknown field: rejected under kubectl's default Strict validation, a warning under Warn.
sed 's/replicas: -1/replicaz: 1/; s/name: bad/name: typo/' "$WORK/bad.yaml" >"$WORK/typo.yaml"
expect_exit 1 kubectl apply -f "$WORK/typo.yaml"
expect_output 'Deployment in version "apps/v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"'
expect_exit 0 kubectl apply -f "$WORK/typo.yaml" --validate=warn
expect_output 'Warning: unknown field "spec.replicaz"'

# kubectl's typed commands send protobuf bodies.
expect_exit 0 kubectl create namespace dev
expect_output 'namespace/dev created'
expect_exit 1 kubectl create namespace dev
expect_output 'Error from server \(AlreadyExists\): namespaces "dev" already exists'
expect_exit 0 kubectl create deployment api --image=nginx -n dev
expect_exit 0 kubectl create configmap settings --from-literal=mode=fast -n dev
expect_exit 0 kubectl create secret generic creds --from-literal=password=s3cret -n dev
expect_exit 0 kubectl get secret creds -n dev -o jsonpath='{.data.password}'
[[ $(base64 -d <<<"$OUT") == s3cret ]] || fail "secret data round trip gave '$OUT'"
expect_exit 0 kubectl expose deployment api -n dev --port 80
expect_exit 0 kubectl get deploy,svc,cm -n dev -o name
expect_output '^deployment.apps/api$'
expect_output '^service/api$'
expect_output '^configmap/settings$'

# Defaults as upstream fills them.
expect_exit 0 kubectl get deploy web -o jsonpath='{.spec.strategy.type} {.spec.revisionHistoryLimit} {.spec.template.spec.restartPolicy}'
[[ $OUT == "RollingUpdate 10 Always" ]] || fail "deployment defaults gave '$OUT'"

expect_exit 0 kubectl delete -f "$WORK/app.yaml"
expect_output 'deployment.apps "web" deleted'
expect_exit 1 kubectl get deploy web
expect_output 'NotFound'
# Services get a ClusterIP and node ports; a taken node port is refused.
expect_exit 0 kubectl apply -f "$(dirname "$0")/../../example-deployment.yaml"
expect_exit 0 kubectl get svc hello -o jsonpath='{.spec.clusterIP} {.spec.ports[0].nodePort}'
[[ $OUT =~ ^10\.43\.[0-9]+\.[0-9]+\ 30080$ ]] || fail "service allocation gave '$OUT'"
expect_exit 0 kubectl get svc kubernetes -o jsonpath='{.spec.clusterIP}'
[[ $OUT == 10.43.0.1 ]] || fail "kubernetes service at '$OUT'"
kubectl create service nodeport clash --tcp=80 --node-port=30080 --dry-run=client -o json >"$WORK/clash.json"
expect_exit 1 kubectl create -f "$WORK/clash.json"
expect_output 'spec.ports\[0\].nodePort: Invalid value: 30080: provided port is already allocated'

# Binding a pod to a node, then a graceful delete that waits for the kubelet.
expect_exit 0 kubectl run p1 --image=busybox
echo '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p1"},"target":{"apiVersion":"v1","kind":"Node","name":"n1"}}' >"$WORK/binding.json"
expect_exit 0 kubectl create --raw /api/v1/namespaces/default/pods/p1/binding -f "$WORK/binding.json"
expect_exit 1 kubectl create --raw /api/v1/namespaces/default/pods/p1/binding -f "$WORK/binding.json"
expect_output 'already assigned to node'
expect_exit 0 kubectl get pod p1 -o wide
expect_output '^p1 +0/1 +Pending +0 +[0-9]+s +<none> +n1 '
expect_exit 0 kubectl delete pod p1 --wait=false
expect_exit 0 kubectl get pod p1 -o jsonpath='{.metadata.deletionGracePeriodSeconds}'
[[ $OUT == 30 ]] || fail "graceful delete gave grace '$OUT'"
expect_exit 0 kubectl delete pod p1 --grace-period=0 --force
expect_exit 1 kubectl get pod p1
# Orphan propagation is a finalizer the garbage collector honours: it orphans the
# dependents, removes the finalizer, and that completes the delete.
expect_exit 0 kubectl create configmap keep -n dev
expect_exit 0 kubectl delete configmap keep -n dev --cascade=orphan
expect_exit 1 kubectl get configmap keep -n dev
echo "apiserver with kubectl: ok"
