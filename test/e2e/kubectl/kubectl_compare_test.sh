# `kscratch kubectl` against the real kubectl 1.32: every built-in verb runs twice on one
# server, once with each, and standard output, standard error and the exit code must be
# the same (ages masked). Verbs that change the cluster run on twin objects, one for each
# client, whose names are then masked.
source "$(dirname "$0")/compare_lib.sh" "$1"

# The cluster: objects made through the API with the real kubectl.
cat >"$WORK/app.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.25", ports: [{containerPort: 80}]}
      - {name: side, image: busybox}
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {app: web}, annotations: {note: "<b>&"}}
data: {mode: fast, "multi": "line one\nline two\n", empty: "", quoted: "yes", num: "0755"}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: team-a}
data: {a: b}
YAML
expect_exit 0 kubectl apply -f "$WORK/app.yaml"
# Let the controllers settle (ReplicaSet, pods, endpoints) so both clients see one state.
wait_until 30 "pods of web" bash -c "[[ \$(kubectl get pods -l app=web -o name | wc -l) == 2 ]]"
sleep 2

# get: tables, every output form, selectors, namespaces, several kinds, errors.
same_as_kubectl get pods
same_as_kubectl get deploy
same_as_kubectl get deploy -o wide
same_as_kubectl get deployments.apps web
same_as_kubectl get deploy/web svc/web
same_as_kubectl get deploy,svc,cm
same_as_kubectl get all
same_as_kubectl get all -A
same_as_kubectl get cm -A
same_as_kubectl get cm -A --show-labels
same_as_kubectl get cm --no-headers
same_as_kubectl get ns
same_as_kubectl get ns default -o yaml
same_as_kubectl get cm settings -o yaml
same_as_kubectl get cm settings -o json
same_as_kubectl get deploy web -o yaml
same_as_kubectl get cm -o yaml
same_as_kubectl get cm,svc -o json
same_as_kubectl get deploy,svc -o name
same_as_kubectl get pods -o name
same_as_kubectl get cm -l app=web
same_as_kubectl get cm -l app=none
same_as_kubectl get cm -n team-a
same_as_kubectl get cm --field-selector metadata.name=settings
same_as_kubectl get deploy web -o 'jsonpath={.spec.template.spec.containers[*].image}'
same_as_kubectl get cm -o 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.data.mode}{"\n"}{end}'
same_as_kubectl get deploy -o 'custom-columns=NAME:.metadata.name,IMAGES:.spec.template.spec.containers[*].image,MISSING:.x'
same_as_kubectl get pods nope
same_as_kubectl get pods nope other
same_as_kubectl get cm settings nope
same_as_kubectl get nothings
same_as_kubectl get cm nope -o yaml
same_as_kubectl get cm nope --ignore-not-found
same_as_kubectl get ns -A
same_as_kubectl get pods -o wide
same_as_kubectl get pods -A -o name
same_as_kubectl get deploy --show-labels
same_as_kubectl get svc -o wide
same_as_kubectl get all -n team-a
same_as_kubectl get pods -n team-a
same_as_kubectl get cm settings -o 'jsonpath={.data}'
same_as_kubectl get deploy web -o 'jsonpath={.metadata.labels}{"\n"}{.spec.replicas}'
same_as_kubectl get cm,deploy settings
same_as_kubectl get svc,deploy -A -o custom-columns=NAME:.metadata.name,NS:.metadata.namespace
same_as_kubectl -n team-a get cm other -o json

# Usage errors.
same_as_kubectl delete pods
same_as_kubectl scale deploy web
same_as_kubectl label cm settings
same_as_kubectl patch cm settings
same_as_kubectl create deployment nameless
same_as_kubectl get pods -o bogus

# version (the client lines are each client's own), api-resources.
run_one real "$WORK/real" version
run_one ours "$WORK/ours" version
diff <(grep '^Server' "$WORK/real.out") <(grep '^Server' "$WORK/ours.out") || fail "version: server lines differ"
grep -q '^Client Version: v1\.32\..*kscratch' "$WORK/ours.out" || fail "version: $(cat "$WORK/ours.out")"
same_as_kubectl api-resources
same_as_kubectl api-resources --namespaced=false
same_as_kubectl api-resources -o name
same_as_kubectl api-resources --api-group=apps --no-headers
same_as_kubectl api-resources -o wide
same_as_kubectl api-versions
same_as_kubectl config current-context
same_as_kubectl config get-contexts
same_as_kubectl config get-contexts -o name
same_as_kubectl config get-contexts nope
# A second kubeconfig merged in through KUBECONFIG, with a context of its own.
cat >"$WORK/second.yaml" <<'YAML'
apiVersion: v1
kind: Config
current-context: other
clusters:
- name: other
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: other
  context: {cluster: other, user: other, namespace: team-a}
- name: alpha
  context: {cluster: other, user: other}
users:
- name: other
  user: {token: abc}
YAML
KUBECONFIG=$KUBECONFIG:$WORK/second.yaml same_as_kubectl config get-contexts
KUBECONFIG=$WORK/second.yaml:$KUBECONFIG same_as_kubectl config current-context
KUBECONFIG=$KUBECONFIG:$WORK/second.yaml same_as_kubectl --context alpha get cm --insecure-skip-tls-verify
same_as_kubectl --context nope get pods
same_as_kubectl api-resources --verbs=list,watch --namespaced=true

# Verbs that change the cluster, each client on its own twin objects.
same_as_kubectl --names t-real t-ours create namespace @N@
same_as_kubectl --names t-real t-ours create namespace @N@
same_as_kubectl --names d-real d-ours create deployment @N@ --image=nginx:1.25 --replicas=2
same_as_kubectl --names c-real c-ours create configmap @N@ --from-literal=a=1 --from-literal=b=two
same_as_kubectl --names x-real x-ours create configmap @N@ --dry-run=client -o yaml --from-literal=k=v
same_as_kubectl --names x-real x-ours create deployment @N@ --image=busybox --dry-run=client -o yaml
# create secret generic: literals, files, env files; values base64; typed -o json order.
printf 'one=1\n  # a comment\n\nUNSET_IN_TEST\nspaced=a = b\n' >"$WORK/secret.env"
printf '1bad=x\n' >"$WORK/bad.env"
printf 'file-bytes' >"$WORK/secret-file.txt"
same_as_kubectl --names s-real s-ours create secret generic @N@ --from-literal=a=1 --from-file="$WORK/secret-file.txt"
same_as_kubectl --names s-real s-ours get secret @N@ -o yaml
same_as_kubectl --names s-real s-ours create secret generic @N@ --from-literal=a=2
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-env-file="$WORK/secret.env" --dry-run=client -o json
same_as_kubectl --names e-real e-ours create secret generic @N@ --type=kubernetes.io/tls --from-literal=z=1 \
  --from-literal=a=2 --from-file=key="$WORK/secret-file.txt" --dry-run=client -o json
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-env-file="$WORK/secret.env" --from-literal=a=1
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-env-file="$WORK/bad.env"
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-literal=a=1 --from-literal=a=2
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-literal='a b=1'
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-literal=..a=1
same_as_kubectl --names e-real e-ours create secret generic @N@ --from-literal=novalue
same_as_kubectl create secret generic
same_as_kubectl --names x-real x-ours create configmap @N@ --from-literal=z=1 --from-literal=a=2 --dry-run=client -o json
same_as_kubectl --names x-real x-ours create namespace @N@ --dry-run=client -o json
same_as_kubectl --names x-real x-ours create deployment @N@ --image=nginx:1.25 --port=80 --dry-run=client -o json
same_as_kubectl --names d-real d-ours scale deployment @N@ --replicas=3
same_as_kubectl --names d-real d-ours scale deploy/@N@ --replicas=1
same_as_kubectl scale deployment nope --replicas=1
same_as_kubectl --names c-real c-ours label cm @N@ color=blue
same_as_kubectl --names c-real c-ours label cm @N@ color=red
same_as_kubectl --names c-real c-ours label cm @N@ color=red --overwrite
same_as_kubectl --names c-real c-ours label cm @N@ color=red --overwrite
same_as_kubectl --names c-real c-ours label cm @N@ color-
same_as_kubectl --names c-real c-ours annotate cm @N@ note=hello
same_as_kubectl --names c-real c-ours annotate cm @N@ note=again
same_as_kubectl --names c-real c-ours patch cm @N@ -p '{"data":{"a":"2"}}'
same_as_kubectl --names c-real c-ours patch cm @N@ -p '{"data":{"a":"2"}}'
same_as_kubectl --names c-real c-ours patch cm @N@ --type merge -p '{"data":{"c":"3"}}'
same_as_kubectl --names c-real c-ours patch cm @N@ --type json -p '[{"op":"remove","path":"/data/c"}]'
same_as_kubectl --names d-real d-ours get deploy @N@ -o jsonpath='{.spec.replicas}'
same_as_kubectl --names c-real c-ours get cm @N@ -o yaml
same_as_kubectl --names c-real c-ours delete cm @N@
same_as_kubectl --names c-real c-ours delete cm @N@
same_as_kubectl --names d-real d-ours delete deployment @N@
same_as_kubectl --names t-real t-ours delete namespace @N@
# Grace: --force warns and force-deletes; 0 without --force is 1; --force with a grace is refused.
for who in real ours; do
  for n in 1 2 3; do expect_exit 0 kubectl create configmap "g$n-$who"; done
done
same_as_kubectl --names g1-real g1-ours delete cm @N@ --force
same_as_kubectl --names g2-real g2-ours delete cm @N@ --force --grace-period=0
same_as_kubectl --names g3-real g3-ours delete cm @N@ --grace-period=0
same_as_kubectl delete cm g-missing --force
same_as_kubectl delete cm g-missing --force --grace-period=5
# Selectors and --all, on twin namespaces holding the same objects.
for ns in s-real s-ours; do
  expect_exit 0 kubectl create namespace $ns
  expect_exit 0 kubectl -n $ns create configmap one --from-literal=a=b
  expect_exit 0 kubectl -n $ns create configmap two --from-literal=a=b
  expect_exit 0 kubectl -n $ns label cm one pick=yes
done
same_as_kubectl --names s-real s-ours -n @N@ delete cm -l pick=yes
same_as_kubectl --names s-real s-ours -n @N@ delete cm -l pick=yes
same_as_kubectl --names s-real s-ours -n @N@ delete cm --all
cat >"$WORK/del.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: from-file}
YAML
for ns in s-real s-ours; do expect_exit 0 kubectl -n $ns apply -f "$WORK/del.yaml"; done
same_as_kubectl --names s-real s-ours -n @N@ delete -f "$WORK/del.yaml"

# Connection flags instead of a kubeconfig: no CA (the system's roots do not know the
# cluster's), --insecure-skip-tls-verify, --certificate-authority, a refused token.
SERVER_URL=https://127.0.0.1:$PORT
same_as_kubectl get ns --kubeconfig /dev/null --server "$SERVER_URL" --token bad
same_as_kubectl get ns --kubeconfig /dev/null --server "$SERVER_URL" --token bad --insecure-skip-tls-verify
same_as_kubectl get ns --kubeconfig /dev/null --server "$SERVER_URL" --token bad \
  --certificate-authority="$WORK/data/server/tls/server-ca.crt"

echo "PASS: $COMPARED commands print the same with kscratch kubectl as with kubectl"
