# Server-side apply against the real kubectl 1.32: managedFields, conflicts as kubectl
# prints them, --force-conflicts, fields dropped from the applied file, and the move from
# client-side apply.
source "$(dirname "$0")/lib.sh"
K=$1
command -v kubectl >/dev/null || { echo "kubectl not installed: skipped"; exit 0; }

PORT=16504
start_server_for_kubectl "$K" $PORT

cat >"$WORK/app.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: frontend}
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
YAML

expect_exit 0 kubectl apply --server-side -f "$WORK/app.yaml"
expect_output 'deployment.apps/web serverside-applied'
expect_exit 0 kubectl get deploy web -o yaml --show-managed-fields
expect_output '^  - apiVersion: apps/v1$'
expect_output '^    manager: kubectl$'
expect_output '^    operation: Apply$'
expect_output '^    fieldsType: FieldsV1$'
expect_output '^ +k:\{"containerPort":80,"protocol":"TCP"\}:$'
expect_output '^ +f:tier: \{\}$'
# Without the flag kubectl hides them.
expect_exit 0 kubectl get deploy web -o yaml
grep -q managedFields <<<"$OUT" && fail "managedFields shown without --show-managed-fields"

# kubectl scale takes spec.replicas through /scale; applying another value conflicts.
expect_exit 0 kubectl scale deploy web --replicas=5
expect_output 'deployment.apps/web scaled'
expect_exit 0 kubectl get deploy web -o jsonpath='{range .metadata.managedFields[*]}{.manager}/{.operation}/{.subresource} {end}'
[[ $OUT == *"kubectl/Update/scale"* ]] || fail "no scale entry: $OUT"
sed -i 's/replicas: 2/replicas: 3/' "$WORK/app.yaml"
expect_exit 1 kubectl apply --server-side -f "$WORK/app.yaml"
expect_output 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: \.spec\.replicas'
expect_output 'Please review the fields above--they currently have other managers'
expect_exit 0 kubectl get deploy web -o jsonpath='{.spec.replicas}'
[[ $OUT == 5 ]] || fail "a refused apply changed replicas to $OUT"

expect_exit 0 kubectl apply --server-side --force-conflicts -f "$WORK/app.yaml"
expect_output 'deployment.apps/web serverside-applied'
expect_exit 0 kubectl get deploy web -o jsonpath='{.spec.replicas} {range .metadata.managedFields[*]}{.manager}/{.operation}/{.subresource} {end}'
# The scale entry owned only replicas, so it is gone (the controllers' status entry stays).
[[ $OUT == "3 kubectl/Apply/ "* && $OUT != *scale* ]] || fail "after --force-conflicts: '$OUT'"

# A label dropped from the applied file is removed from the object.
sed -i 's/labels: {app: web, tier: frontend}/labels: {app: web}/' "$WORK/app.yaml"
expect_exit 0 kubectl apply --server-side -f "$WORK/app.yaml"
expect_exit 0 kubectl get deploy web -o jsonpath='{.metadata.labels}'
[[ $OUT == '{"app":"web"}' ]] || fail "labels after dropping tier: $OUT"
# Applying the same file again changes nothing.
expect_exit 0 kubectl get deploy web -o jsonpath='{.metadata.resourceVersion}'
RV=$OUT
expect_exit 0 kubectl apply --server-side -f "$WORK/app.yaml"
expect_exit 0 kubectl get deploy web -o jsonpath='{.metadata.resourceVersion}'
[[ $OUT == "$RV" ]] || fail "an unchanged apply wrote the object ($RV -> $OUT)"

# Another manager setting a different value conflicts with kubectl's apply.
expect_exit 1 kubectl apply --server-side --field-manager=other -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 4}
YAML
expect_output 'Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas'
expect_exit 1 kubectl apply --server-side -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{image: nginx}]
YAML
expect_output 'element 0: associative list with keys has an element that omits key field "name"'

# Client-side apply records its fields as kubectl-client-side-apply; a later server-side
# apply from kubectl takes them over (they match the last-applied configuration).
cat >"$WORK/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {color: blue, size: large}
YAML
expect_exit 0 kubectl apply -f "$WORK/cm.yaml"
expect_output 'configmap/settings created'
expect_exit 0 kubectl get cm settings -o jsonpath='{range .metadata.managedFields[*]}{.manager}/{.operation} {end}'
[[ $OUT == "kubectl-client-side-apply/Update " ]] || fail "client-side apply entries: '$OUT'"
sed -i 's/color: blue/color: red/' "$WORK/cm.yaml"
expect_exit 0 kubectl apply --server-side -f "$WORK/cm.yaml"
expect_exit 0 kubectl get cm settings -o jsonpath='{.data.color}'
[[ $OUT == red ]] || fail "server-side apply after client-side apply gave color=$OUT"
expect_exit 0 kubectl get cm settings -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}'
expect_output '"color":"red"'
# Client-side apply keeps working after it.
sed -i 's/size: large/size: small/' "$WORK/cm.yaml"
expect_exit 0 kubectl apply -f "$WORK/cm.yaml"
expect_output 'configmap/settings configured'
expect_exit 0 kubectl get cm settings -o jsonpath='{.data.size}'
[[ $OUT == small ]] || fail "client-side apply after server-side apply gave size=$OUT"
echo PASS
