# `kscratch kubectl apply` and `create -f` against the real kubectl 1.32: each command runs
# once with each client on twin objects (ap-real-* for kubectl, ap-ours-* for kscratch,
# made from one manifest template), and output, errors and exit code must be the same;
# then the twins themselves (the last-applied annotation above all) are compared.
source "$(dirname "$0")/compare_lib.sh" "$1"

# KEEP_GOING=1 reports every difference instead of stopping at the first.
if [[ -n ${KEEP_GOING:-} ]]; then
  FAILURES=0
  fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
  }
fi

# klog warnings (W lines, --prune's) carry the time and process id too.
eval "lib_$(declare -f mask)"
mask() { sed -E 's/^W[0-9]{4} [0-9:.]+ +[0-9]+ /W0000 00:00:00.000000 PID /' | lib_mask; }

T=$WORK/templates
mkdir -p "$T"
# render TEMPLATE: writes the template's real and ours twins beside it, with @N@ replaced
# by ap-real and ap-ours (in contents and in the file name).
render() {
  local tpl=$1 n
  for n in real ours; do sed "s/@N@/ap-$n/g" "$tpl" >"${tpl//@N@/ap-$n}"; done
}
# Same as same_as_kubectl, with FILE as each client's standard input (@N@ as in names).
same_with_stdin() {
  local file=$1
  shift
  cat >"$WORK/stdin-real" <<EOF
#!/bin/bash
exec "$REAL" "\$@" <"${file//@N@/ap-real}"
EOF
  cat >"$WORK/stdin-ours" <<EOF
#!/bin/bash
exec "$K" "\$@" <"${file//@N@/ap-ours}"
EOF
  chmod +x "$WORK/stdin-real" "$WORK/stdin-ours"
  local real=$REAL ours=$K
  REAL=$WORK/stdin-real K=$WORK/stdin-ours
  same_as_kubectl --names ap-real ap-ours "$@"
  REAL=$real K=$ours
}
twins() { same_as_kubectl --names ap-real ap-ours "$@"; }
# What a twin Deployment or Service shows without what differs between twins by nature
# (ReplicaSet hashes in conditions, cluster IPs).
SHOW='jsonpath={.metadata.annotations}{"\n"}{.metadata.labels}{"\n"}{.spec.replicas}{.spec.template}{.spec.ports}{"\n"}'

deployment() {  # deployment REPLICAS IMAGE PORT TIER [EXTRA-ENV]
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: @N@-web
  labels: {app: @N@-web, tier: $4}
spec:
  replicas: $1
  selector: {matchLabels: {app: @N@-web}}
  template:
    metadata: {labels: {app: @N@-web}}
    spec:
      containers:
      - name: web
        image: "$2"
        ports: [{containerPort: $3, name: http}]
$5
      - {name: side, image: busybox, command: [sleep, "3600"]}
YAML
}

# Client-side apply: create, change, unchanged.
deployment 2 nginx:1.25 80 front "        env: [{name: MODE, value: fast}, {name: LEVEL, value: \"3\"}]" >"$T/@N@-dep.yaml"
render "$T/@N@-dep.yaml"
twins apply -f "$T/@N@-dep.yaml"
twins get deploy @N@-web -o "$SHOW"
twins apply -f "$T/@N@-dep.yaml"
# replicas, image, a port, a label changed, an env entry removed.
deployment 3 nginx:1.27 8080 back "        env: [{name: MODE, value: fast}]" >"$T/@N@-dep.yaml"
render "$T/@N@-dep.yaml"
twins apply -f "$T/@N@-dep.yaml"
twins apply -f "$T/@N@-dep.yaml"
# A field removed (the env list, the tier label).
deployment 3 nginx:1.27 8080 back "" | sed 's/, tier: back//' >"$T/@N@-dep.yaml"
render "$T/@N@-dep.yaml"
twins apply -f "$T/@N@-dep.yaml"
twins get deploy @N@-web -o "$SHOW"
twins apply -f "$T/@N@-dep.yaml" -o name
twins apply -f "$T/@N@-dep.yaml" --dry-run=client
twins apply -f "$T/@N@-dep.yaml" --dry-run=server

# A Service and ConfigMaps: a multi-document file, a directory, standard input, JSON.
mkdir -p "$T/@N@-dir" "$T/@N@-dir/sub"
cat >"$T/@N@-dir/a.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: @N@-svc, labels: {app: @N@-web}}
spec:
  selector: {app: @N@-web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
# a comment-only document
---
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-cm1, annotations: {note: "<b>&"}}
data: {mode: fast, "multi": "line one\nline two\n", quoted: "yes", num: "0755"}
YAML
cat >"$T/@N@-dir/b.json" <<'JSON'
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "@N@-cm2"}, "data": {"k": "v"}}
JSON
cat >"$T/@N@-dir/ignored.txt" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-never}
YAML
cat >"$T/@N@-dir/sub/c.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-cm3}
data: {deep: "true"}
YAML
for f in @N@-dir/a.yaml @N@-dir/b.json @N@-dir/ignored.txt @N@-dir/sub/c.yaml; do
  for n in real ours; do
    mkdir -p "$(dirname "$T/${f//@N@/ap-$n}")"
    sed "s/@N@/ap-$n/g" "$T/$f" >"$T/${f//@N@/ap-$n}"
  done
done
twins apply -f "$T/@N@-dir"
twins apply -f "$T/@N@-dir" -R
twins apply -f "$T/@N@-dir/a.yaml" -f "$T/@N@-dir/b.json"
twins get svc,cm -l app=@N@-web -o "jsonpath={range .items[*]}${SHOW#jsonpath=}{end}"
twins get cm @N@-cm1 @N@-cm2 @N@-cm3 -o yaml
cat >"$T/@N@-stdin.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-stdin, labels: {from: stdin}}
data: {a: "1"}
YAML
render "$T/@N@-stdin.yaml"
same_with_stdin "$T/@N@-stdin.yaml" apply -f -
same_with_stdin "$T/@N@-stdin.yaml" apply -f -
same_with_stdin "$T/@N@-stdin.yaml" apply -f - -o yaml
twins get cm @N@-stdin -o yaml

# A List: kubectl validates it against an OpenAPI v2 document the server does not serve.
cat >"$T/@N@-list.yaml" <<'YAML'
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: @N@-l1}
  data: {a: b}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: @N@-l2}
YAML
render "$T/@N@-list.yaml"
twins apply -f "$T/@N@-list.yaml"
twins apply -f "$T/@N@-list.yaml" --validate=false
twins apply -f "$T/@N@-list.yaml" --validate=false
twins apply -f "$T/@N@-list.yaml" --validate=false -o json
twins get cm @N@-l1 -o yaml

# Server-side apply, and a conflict between two managers.
cat >"$T/@N@-ssa.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-ssa, labels: {owner: kubectl}}
data: {k: v, other: x}
YAML
render "$T/@N@-ssa.yaml"
sed 's/k: v/k: changed/' "$T/@N@-ssa.yaml" >"$T/@N@-ssa2.yaml"
render "$T/@N@-ssa2.yaml"
twins apply -f "$T/@N@-ssa.yaml" --server-side
twins apply -f "$T/@N@-ssa.yaml" --server-side
twins apply -f "$T/@N@-ssa2.yaml" --server-side --field-manager=other
twins apply -f "$T/@N@-ssa2.yaml" --server-side --field-manager=other --force-conflicts
twins apply -f "$T/@N@-ssa.yaml" --server-side --dry-run=server
twins get cm @N@-ssa -o yaml --show-managed-fields
# Server-side apply over a client-side applied object: the annotation and the managers migrate.
twins apply -f "$T/@N@-stdin.yaml" --server-side
NORMALISE=managed_fields_by_manager twins get cm @N@-stdin -o json --show-managed-fields
twins apply -f "$T/@N@-dep.yaml" --server-side
twins get deploy @N@-web -o "$SHOW"

# Dry runs of objects that do not exist.
cat >"$T/@N@-new.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-new}
data: {x: "1"}
YAML
render "$T/@N@-new.yaml"
twins apply -f "$T/@N@-new.yaml" --dry-run=client
twins apply -f "$T/@N@-new.yaml" --dry-run=client -o yaml
twins apply -f "$T/@N@-new.yaml" --dry-run=server
twins apply -f "$T/@N@-new.yaml" --server-side --dry-run=server
twins get cm @N@-new

# create -f.
cat >"$T/@N@-create.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-c1}
data: {a: b}
---
apiVersion: v1
kind: Secret
metadata: {name: @N@-c2}
stringData: {password: s3cret}
YAML
render "$T/@N@-create.yaml"
twins create -f "$T/@N@-create.yaml"
twins create -f "$T/@N@-create.yaml"
twins get cm @N@-c1 -o yaml
twins create -f "$T/@N@-new.yaml" --dry-run=client -o yaml
twins create -f "$T/@N@-new.yaml" --dry-run=server
twins create -f "$T/@N@-new.yaml" --save-config
twins get cm @N@-new -o yaml
twins apply -f "$T/@N@-new.yaml"

# Errors.
twins apply -f "$T/@N@-missing.yaml"
twins create -f "$T/@N@-missing.yaml"
twins apply
cat >"$T/@N@-invalid.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: @N@-bad}
spec:
  replicas: -1
  selector: {matchLabels: {app: "@N@-x"}}
  template:
    metadata: {labels: {app: "@N@-x"}}
    spec:
      containers: [{name: c, image: busybox}]
YAML
render "$T/@N@-invalid.yaml"
twins apply -f "$T/@N@-invalid.yaml"
twins create -f "$T/@N@-invalid.yaml"
cat >"$T/@N@-unknown.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-before}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: @N@-w}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-after}
YAML
render "$T/@N@-unknown.yaml"
twins apply -f "$T/@N@-unknown.yaml"
twins apply -f "$T/@N@-unknown.yaml" --validate=false
twins apply -f "$T/@N@-unknown.yaml" -f "$T/@N@-invalid.yaml" --validate=false
cat >"$T/@N@-kind.yaml" <<'YAML'
apiVersion: apps/v1
kind: Widget
metadata: {name: @N@-w}
YAML
render "$T/@N@-kind.yaml"
twins apply -f "$T/@N@-kind.yaml"
cat >"$T/@N@-ns.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-nsa, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-nsb}
YAML
render "$T/@N@-ns.yaml"
twins apply -f "$T/@N@-ns.yaml" -n default
twins create -f "$T/@N@-ns.yaml" -n default
: >"$T/@N@-empty.yaml"
render "$T/@N@-empty.yaml"
twins apply -f "$T/@N@-empty.yaml"
twins create -f "$T/@N@-empty.yaml"
printf 'apiVersion: v1\nmetadata: {name: x}\n' >"$T/@N@-nokind.yaml"
render "$T/@N@-nokind.yaml"
twins apply -f "$T/@N@-nokind.yaml"
twins apply -f "$T/@N@-new.yaml" --dry-run=bogus
twins apply -f "$T/@N@-new.yaml" --force-conflicts
twins apply -f "$T/@N@-new.yaml" --server-side --dry-run=client

# A Deployment through three versions and back: lists merged by key and reordered
# ($setElementOrder), a strategy changed (retainKeys), containers and volumes dropped.
cat >"$T/v1.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: @N@-seq, labels: {a: "1"}, annotations: {x: "y"}}
spec:
  replicas: 1
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 2}}
  selector: {matchLabels: {app: @N@-seq}}
  template:
    metadata: {labels: {app: @N@-seq}}
    spec:
      volumes: [{name: v1, emptyDir: {}}, {name: v2, configMap: {name: c}}]
      tolerations: [{key: k, operator: Exists}]
      containers:
      - name: a
        image: busybox
        args: [one, two]
        env: [{name: A, value: "1"}, {name: B, value: "2"}, {name: C, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        ports: [{containerPort: 80}, {containerPort: 81, protocol: UDP}]
        volumeMounts: [{name: v1, mountPath: /a}]
        resources: {limits: {cpu: 100m}}
      - {name: b, image: nginx}
YAML
cat >"$T/v2.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: @N@-seq, labels: {b: "2"}}
spec:
  replicas: 2
  strategy: {type: Recreate}
  selector: {matchLabels: {app: @N@-seq}}
  template:
    metadata: {labels: {app: @N@-seq}}
    spec:
      volumes: [{name: v2, secret: {secretName: s}}]
      containers:
      - {name: b, image: "nginx:2"}
      - name: a
        image: busybox
        args: [two]
        env: [{name: B, value: "3"}, {name: A, value: "1"}, {name: D, value: "4"}]
        ports: [{containerPort: 81, protocol: UDP}, {containerPort: 82}]
        volumeMounts: [{name: v2, mountPath: /b}]
YAML
cat >"$T/v3.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: @N@-seq}
spec:
  selector: {matchLabels: {app: @N@-seq}}
  template:
    metadata: {labels: {app: @N@-seq}}
    spec:
      containers:
      - {name: b, image: "nginx:3", env: [{name: Z, value: z}]}
YAML
for v in v1 v2 v3 v1 v3 v2 v2; do
  sed "s/@N@/ap-real/g" "$T/$v.yaml" >"$T/ap-real-seq.yaml"
  sed "s/@N@/ap-ours/g" "$T/$v.yaml" >"$T/ap-ours-seq.yaml"
  twins apply -f "$T/@N@-seq.yaml"
  twins get deploy @N@-seq -o 'jsonpath={.metadata.annotations}{.metadata.labels}{.spec}'
done

# Cluster-scoped objects, a namespace from the manifest, -n agreeing with it.
cat >"$T/@N@-cluster.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: @N@-team, labels: {team: x}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: in-team, namespace: @N@-team}
data: {a: b}
YAML
render "$T/@N@-cluster.yaml"
twins apply -f "$T/@N@-cluster.yaml"
twins apply -f "$T/@N@-cluster.yaml"
twins get ns @N@-team -o 'jsonpath={.metadata.annotations}{.metadata.labels}'
sed -i 's/team: x/team: y/' "$T/ap-real-cluster.yaml" "$T/ap-ours-cluster.yaml"
twins apply -f "$T/@N@-cluster.yaml" -o name
twins -n @N@-team get cm in-team -o yaml
sed -i '1,5d' "$T/ap-real-cluster.yaml" "$T/ap-ours-cluster.yaml"
twins -n @N@-team apply -f "$T/@N@-cluster.yaml"

# Objects made without apply: kubectl warns that the annotation is missing, and adds it.
twins create configmap @N@-plain --from-literal=a=b
cat >"$T/@N@-plain.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-plain}
data: {a: c}
YAML
render "$T/@N@-plain.yaml"
twins apply -f "$T/@N@-plain.yaml"
twins get cm @N@-plain -o yaml
# Server-side apply of a new object, and of an invalid one.
sed 's/plain/ssa-new/' "$T/ap-real-plain.yaml" >"$T/ap-real-ssanew.yaml"
sed 's/plain/ssa-new/' "$T/ap-ours-plain.yaml" >"$T/ap-ours-ssanew.yaml"
twins apply -f "$T/@N@-ssanew.yaml" --server-side
twins apply -f "$T/@N@-invalid.yaml" --server-side
# Fields of the wrong type.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: @N@-t1, labels: {a: 1}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: @N@-t2}\n' >"$T/@N@-types.yaml"
render "$T/@N@-types.yaml"
twins apply -f "$T/@N@-types.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: @N@-t3}\ndata: {a: 1}\n' >"$T/@N@-data.yaml"
render "$T/@N@-data.yaml"
twins apply -f "$T/@N@-data.yaml"
# A directory without manifests.
mkdir -p "$T/none"
twins apply -f "$T/none"

# --prune: the default allowlist names PersistentVolumeClaims, which the server does not
# serve; an explicit allowlist prunes what carries the annotation and was not applied.
cat >"$T/@N@-prune.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-p1, labels: {grp: @N@-p}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-p2, labels: {grp: @N@-p}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: @N@-p3, labels: {grp: @N@-p}}
YAML
render "$T/@N@-prune.yaml"
twins apply -f "$T/@N@-prune.yaml"
twins create configmap @N@-p4
twins label cm @N@-p4 grp=@N@-p
sed -i '/^---$/,$d' "$T/ap-real-prune.yaml" "$T/ap-ours-prune.yaml"
twins apply -f "$T/@N@-prune.yaml" --prune
twins apply -f "$T/@N@-prune.yaml" --prune --all -l grp=@N@-p
twins apply -f "$T/@N@-prune.yaml" --prune -l grp=@N@-p
twins apply -f "$T/@N@-prune.yaml" --prune -l grp=@N@-p --prune-allowlist=core/v1/ConfigMap --dry-run=client
twins apply -f "$T/@N@-prune.yaml" --prune -l grp=@N@-p --prune-allowlist=core/v1/ConfigMap
twins apply -f "$T/@N@-prune.yaml" --prune -l grp=@N@-p --prune-allowlist=core/v1/ConfigMap -o name
twins get cm -l grp=@N@-p -o name
twins apply -f "$T/@N@-dir" -l 'x in ('
twins apply -f "$T/@N@-dir" -l nothing=here

# Deprecated forms of --dry-run; an immutable field changed (from standard input).
twins apply -f "$T/@N@-new.yaml" --dry-run
twins apply -f "$T/@N@-new.yaml" --dry-run=true
twins create -f "$T/@N@-create.yaml" --dry-run=false
sed 's/replicas: -1/replicas: 1/' "$T/ap-real-invalid.yaml" >"$T/ap-real-sel.yaml"
sed 's/replicas: -1/replicas: 1/' "$T/ap-ours-invalid.yaml" >"$T/ap-ours-sel.yaml"
twins apply -f "$T/@N@-sel.yaml"
sed -i 's/-x"/-y"/' "$T/ap-real-sel.yaml" "$T/ap-ours-sel.yaml"
same_with_stdin "$T/@N@-sel.yaml" apply -f -
same_with_stdin "$T/@N@-create.yaml" create -f -

# Objects without a name.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n' >"$T/@N@-noname.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: @N@-gen-}\n' >"$T/@N@-gen.yaml"
render "$T/@N@-noname.yaml"
render "$T/@N@-gen.yaml"
twins apply -f "$T/@N@-noname.yaml"
twins apply -f "$T/@N@-noname.yaml" --server-side
twins create -f "$T/@N@-noname.yaml"
twins apply -f "$T/@N@-gen.yaml"

# A namespace that does not exist; server-side apply printing the object.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: @N@-nowhere}\n' >"$T/@N@-nons.yaml"
render "$T/@N@-nons.yaml"
twins apply -f "$T/@N@-nons.yaml"
twins apply -f "$T/@N@-nons.yaml" --server-side
twins create -f "$T/@N@-nons.yaml"
twins apply -f "$T/@N@-ssa.yaml" --server-side -o yaml
# An object held by a finalizer while it is deleted.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: @N@-held, finalizers: [example.com/hold]}\ndata: {a: "1"}\n' >"$T/@N@-held.yaml"
render "$T/@N@-held.yaml"
twins apply -f "$T/@N@-held.yaml"
twins delete cm @N@-held --wait=false
sed -i 's/a: "1"/a: "2"/' "$T/ap-real-held.yaml" "$T/ap-ours-held.yaml"
twins apply -f "$T/@N@-held.yaml"
twins apply -f "$T/@N@-held.yaml"
twins apply -f "$T/@N@-held.yaml" --server-side
twins patch cm @N@-held --type=json -p '[{"op":"remove","path":"/metadata/finalizers"}]'

# apply view-last-applied.
twins apply view-last-applied deploy @N@-web
twins apply view-last-applied deploy/@N@-web -o json
twins apply view-last-applied cm @N@-cm1 @N@-plain @N@-cm2
twins apply view-last-applied -f "$T/@N@-dir/a.yaml"
twins apply view-last-applied -f "$T/@N@-unknown.yaml"
twins apply view-last-applied cm @N@-nope @N@-cm1
twins apply view-last-applied cm -o wide
twins apply view-last-applied cm @N@-cm1 -o wide
twins apply view-last-applied

# Deleting what apply made, from the same files.
twins delete -f "$T/@N@-dir"
twins delete -f "$T/@N@-dir/sub/c.yaml"
twins delete -f "$T/@N@-dep.yaml"
twins delete -f "$T/@N@-dep.yaml"
twins delete -f "$T/@N@-unknown.yaml"
twins delete -f "$T/@N@-ns.yaml" -n default
twins delete -f "$T/@N@-empty.yaml"
twins delete -f "$T/@N@-missing.yaml"

if [[ -n ${KEEP_GOING:-} ]] && ((FAILURES > 0)); then
  echo "FAIL: $FAILURES of $COMPARED commands differ" >&2
  exit 1
fi
echo "PASS: $COMPARED apply and create -f commands print the same with kscratch kubectl as with kubectl"
