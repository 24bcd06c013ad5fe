# `kscratch kubectl` against the real kubectl 1.32 for the everyday verbs: cordon,
# uncordon, taint, drain, wait, cluster-info. Nodes are created through the API (the test
# server runs no agent), one twin for each client; pods on them never run, so drain evicts
# them with --grace-period=0 (or times out, as kubectl does, when they linger).
source "$(dirname "$0")/compare_lib.sh" "$1"

node_and_pod() {  # node_and_pod NODE: a Node and an unmanaged pod bound to it
  kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata: {name: $1, labels: {kubernetes.io/hostname: $1}}
---
apiVersion: v1
kind: Pod
metadata: {name: p-$1}
spec: {nodeName: $1, containers: [{name: c, image: busybox}]}
YAML
}
for n in nreal nours; do node_and_pod $n; done

# cordon and uncordon, and their usage errors.
same_as_kubectl --names nreal nours cordon @N@
same_as_kubectl --names nreal nours cordon @N@
same_as_kubectl --names nreal nours uncordon @N@
same_as_kubectl --names nreal nours uncordon @N@
same_as_kubectl cordon
same_as_kubectl drain
same_as_kubectl cordon nope
same_as_kubectl uncordon nope

# taint: add, overwrite, remove, and kubectl's errors.
same_as_kubectl --names nreal nours taint nodes @N@ k=v:NoSchedule
same_as_kubectl --names nreal nours taint nodes @N@ k=v:NoSchedule
same_as_kubectl --names nreal nours taint nodes @N@ k=w:NoSchedule
same_as_kubectl --names nreal nours taint nodes @N@ k=w:NoSchedule --overwrite
same_as_kubectl --names nreal nours taint nodes @N@ k2:NoExecute
same_as_kubectl --names nreal nours taint node @N@ k:NoSchedule-
same_as_kubectl --names nreal nours taint node @N@ k:NoSchedule-
same_as_kubectl --names nreal nours taint node @N@ k2- zz-
same_as_kubectl --names nreal nours taint node @N@ k2- zz- yy-
same_as_kubectl --names nreal nours taint node @N@ k2-
same_as_kubectl --names nreal nours taint nodes @N@ k=v:Bogus
same_as_kubectl --names nreal nours taint nodes @N@ k=v
same_as_kubectl --names nreal nours taint nodes @N@
same_as_kubectl --names nreal nours taint nodes @N@ 'bad key=v:NoSchedule'
same_as_kubectl --names nreal nours taint nodes @N@ a=b:NoSchedule a-
same_as_kubectl --names nreal nours taint nodes @N@ k=v:NoSchedule k=w:NoSchedule
same_as_kubectl taint nodes
same_as_kubectl taint nodes nope k=v:NoSchedule
same_as_kubectl taint pods x a=b:NoSchedule

# drain: refused for an unmanaged pod, timed out while it lingers, then done.
same_as_kubectl --names nreal nours drain @N@
same_as_kubectl --names nreal nours drain @N@ --force --timeout=2s
same_as_kubectl --names nreal nours drain @N@ --force --grace-period=0 --ignore-daemonsets --delete-emptydir-data
same_as_kubectl --names nreal nours drain @N@ --ignore-daemonsets
same_as_kubectl drain nope --force
# Two pods at once: evicted (policy/v1 Eviction) one after the other, or deleted with
# --disable-eviction.
more_pods() {  # more_pods NODE NAME...
  local node=$1
  shift
  for p in "$@"; do
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s-%s}\nspec: {nodeName: %s, containers: [{name: c, image: busybox}]}\n' \
      "$p" "$node" "$node" | kubectl create -f - >/dev/null
  done
}
# kubectl evicts concurrently, so the order of its lines varies from run to run: sorted.
for n in nreal nours; do more_pods $n e1 e2; done
NORMALISE=sort same_as_kubectl --names nreal nours drain @N@ --force --grace-period=0
for n in nreal nours; do more_pods $n d1 d2; done
same_as_kubectl --names nreal nours drain @N@ --force --grace-period=0 --disable-eviction

# wait: conditions the deployment controller sets, jsonpath, delete, timeouts, errors.
for d in wreal wours; do expect_exit 0 kubectl create deployment $d --image=busybox; done
sleep 1
same_as_kubectl --names wreal wours wait --for=condition=Progressing deploy/@N@ --timeout=5s
same_as_kubectl --names wreal wours wait --for=condition=Available deploy/@N@ --timeout=1s
same_as_kubectl --names wreal wours wait --for=condition=available=false deploy/@N@ --timeout=5s
same_as_kubectl --names wreal wours wait --for=jsonpath='{.spec.replicas}'=1 deploy/@N@ --timeout=5s
same_as_kubectl --names wreal wours wait --for=jsonpath='{.spec.replicas}'=2 deploy/@N@ --timeout=1s
same_as_kubectl --names wreal wours wait --for=jsonpath='{.metadata.name}' deployment @N@ --timeout=5s
same_as_kubectl wait --for=condition=Available deploy/nope --timeout=1s
same_as_kubectl wait --for=delete cm/nope --timeout=1s
same_as_kubectl wait deploy/wreal
same_as_kubectl wait --for=bogus deploy/wreal
for c in creal cours; do expect_exit 0 kubectl create configmap $c; done
# Each twin is deleted while its client waits: the real one after 1s, ours after 3s
# (it starts waiting once the real kubectl has returned).
(sleep 1; kubectl delete cm creal >/dev/null; sleep 2; kubectl delete cm cours >/dev/null) &
DELETER=$!
same_as_kubectl --names creal cours wait --for=delete cm/@N@ --timeout=10s
wait $DELETER

# cluster-info: the control plane and kube-system's cluster services (kube-dns).
same_as_kubectl cluster-info

# get --raw: the server's answer as it is (the quick start asks /readyz this way), and its errors.
same_as_kubectl get --raw /readyz
same_as_kubectl get --raw /api/v1/namespaces/default
same_as_kubectl get --raw /no/such/path
same_as_kubectl get pods --raw /readyz
same_as_kubectl cluster-info -n default

# get -L and --sort-by (rows sorted by their whole objects, lists by their items).
expect_exit 0 kubectl create namespace srt
for c in a10 a9 w1 w2; do expect_exit 0 kubectl -n srt create configmap $c --from-literal=n=${#c}; done
expect_exit 0 kubectl -n srt label cm a9 app=z
expect_exit 0 kubectl -n srt label cm w1 app=x tier=t
same_as_kubectl get cm -n srt -L app -L kubernetes.io/name,tier
same_as_kubectl get cm -n srt -L app --show-labels
same_as_kubectl get cm w1 -n srt -L app -o wide
same_as_kubectl get cm -n srt --sort-by=.metadata.name -L app
same_as_kubectl get cm -n srt -o name --sort-by='{.metadata.name}'
same_as_kubectl get cm -n srt -o json --sort-by=.metadata.name
same_as_kubectl get cm -n srt --sort-by=.bogus
same_as_kubectl get cm -n srt --sort-by=.bogus -o name
same_as_kubectl get nodes -o name --sort-by=.metadata.name

# logs: without an agent the server has no logs to give, so only kubectl's errors (and
# its choice of pod and container) are compared.
expect_exit 0 kubectl create deployment lg --image=busybox
wait_until 30 "pod of lg" bash -c "[[ \$(kubectl get pods -l app=lg -o name | wc -l) == 1 ]]"
LP=$(kubectl get pods -l app=lg -o name)
same_as_kubectl logs "$LP"
same_as_kubectl logs "${LP#pod/}"
same_as_kubectl logs "$LP" --tail=5 -c nope
same_as_kubectl logs "${LP#pod/}" extra
same_as_kubectl logs "$LP" --previous --timestamps --since=1h -c busybox
same_as_kubectl logs --since=1h --since-time=2020-01-01T00:00:00Z "$LP"
same_as_kubectl logs deploy/lg
same_as_kubectl logs rs/"$(kubectl get rs -l app=lg -o jsonpath='{.items[0].metadata.name}')"
same_as_kubectl logs deploy/nope
same_as_kubectl logs nope
same_as_kubectl logs cm/lg-none
same_as_kubectl logs
expect_exit 0 kubectl create configmap lg-cm
same_as_kubectl logs cm/lg-cm

# run: a pod, printed or created.
same_as_kubectl --names rreal rours run @N@ --image=busybox --dry-run=client -o yaml
same_as_kubectl --names rreal rours run @N@ --image=busybox --port=80 --labels=a=b,c=d --env=X=1 --env=Y=2 --restart=Never --dry-run=client -o yaml
same_as_kubectl --names rreal rours run @N@ --image=busybox --command --dry-run=client -o yaml -- sleep 10
same_as_kubectl --names rreal rours run @N@ --image=busybox --dry-run=client -o yaml -- sleep 10
same_as_kubectl --names rreal rours run @N@ --image=busybox
same_as_kubectl --names rreal rours run @N@ --image=busybox
same_as_kubectl --names rreal rours get pod @N@ -o jsonpath='{.spec.containers}'
same_as_kubectl --names rreal rours run @N@ --image=busybox --restart=Bogus
same_as_kubectl --names rreal rours run @N@-2 --image=busybox --dry-run=server
same_as_kubectl --names rreal rours run R_@N@ --image=x
same_as_kubectl run x1

# expose: Services for twin deployments (one with a container port, one without).
for d in xreal xours; do
  expect_exit 0 kubectl create deployment $d --image=nginx --port=80
  expect_exit 0 kubectl create deployment $d-np --image=nginx
done
same_as_kubectl --names xreal xours expose deployment @N@ --port=8080 --target-port=80 --dry-run=client -o yaml
same_as_kubectl --names xreal xours expose deploy @N@ --dry-run=client -o yaml
same_as_kubectl --names xreal xours expose deploy/@N@ --port=80 --name=@N@-2 --type=NodePort --dry-run=client -o yaml
same_as_kubectl --names xreal xours expose deploy @N@-np
same_as_kubectl --names xreal xours expose deploy @N@ --port=80 --target-port=http
same_as_kubectl --names xreal xours expose deploy @N@ --port=80
same_as_kubectl --names xreal xours get svc @N@ -o jsonpath='{.spec.ports}{.spec.selector}{.metadata.labels}'
same_as_kubectl --names xreal xours expose svc @N@ --name=@N@-3
same_as_kubectl --names xreal xours get svc @N@-3 -o jsonpath='{.spec.ports}{.spec.selector}'
same_as_kubectl expose deploy nope --port=80
same_as_kubectl expose cm lg-cm --port=80
same_as_kubectl expose

# config view (merged files, secrets omitted or --raw, --minify) and use-context.
cat >"$WORK/second.yaml" <<'YAML'
apiVersion: v1
kind: Config
current-context: other
clusters:
- name: other
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
contexts:
- name: other
  context: {cluster: other, user: other, namespace: team-a}
- name: alpha
  context: {cluster: other, user: other}
users:
- name: other
  user: {token: abc, username: u, password: p}
YAML
same_as_kubectl config view
same_as_kubectl config view --raw
same_as_kubectl config view --minify
KUBECONFIG=$KUBECONFIG:$WORK/second.yaml same_as_kubectl config view
KUBECONFIG=$KUBECONFIG:$WORK/second.yaml same_as_kubectl config view --minify --context alpha
KUBECONFIG=$KUBECONFIG:$WORK/second.yaml same_as_kubectl config view --minify --raw --context other
KUBECONFIG=$WORK/second.yaml same_as_kubectl config view --minify
same_as_kubectl config view --minify --context nope
same_as_kubectl config use-context nope
# use-context rewrites the file that set current-context: each client on its own copies.
for who in real ours; do cp "$KUBECONFIG" "$WORK/k-$who.yaml"; cp "$WORK/second.yaml" "$WORK/s-$who.yaml"; done
KUBECONFIG=$WORK/k-real.yaml:$WORK/s-real.yaml run_one real "$WORK/real" config use-context alpha
KUBECONFIG=$WORK/k-ours.yaml:$WORK/s-ours.yaml run_one ours "$WORK/ours" config use-context alpha
for f in k s; do cmp -s "$WORK/$f-real.yaml" "$WORK/$f-ours.yaml" || fail "config use-context: $f file differs: $(diff "$WORK/$f-real.yaml" "$WORK/$f-ours.yaml")"; done
diff "$WORK/real.out" "$WORK/ours.out" || fail "config use-context: output differs"
COMPARED=$((COMPARED + 1))

echo "== edit through an editor script (EDITOR), the patch back to the server"
cat >"$WORK/editor.sh" <<'EDITOR'
#!/bin/sh
# Changes one value, adds one key and scales: what a user would do in vi.
sed -i 's/^  a: "1"$/  a: "2"/; s/^data:$/data:\n  b: added/; s/^  replicas: 1$/  replicas: 2/' "$1"
EDITOR
chmod +x "$WORK/editor.sh"
for who in real ours; do
  expect_exit 0 kubectl create configmap "ed-$who" --from-literal=a=1
  expect_exit 0 kubectl create deployment "ed-$who" --image=busybox
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: eda-%s\ndata:\n  a: "1"\n' "$who" >"$WORK/eda-$who.yaml"
  expect_exit 0 kubectl apply -f "$WORK/eda-$who.yaml"
done
EDITOR=$WORK/editor.sh same_as_kubectl --names ed-real ed-ours edit configmap @N@
EDITOR=$WORK/editor.sh same_as_kubectl --names ed-real ed-ours edit configmap @N@
same_as_kubectl --names ed-real ed-ours get configmap @N@ -o jsonpath='{.data}'
EDITOR=$WORK/editor.sh same_as_kubectl --names ed-real ed-ours edit deployment/@N@
same_as_kubectl --names ed-real ed-ours get deployment @N@ -o jsonpath='{.spec.replicas}'
EDITOR=true same_as_kubectl --names ed-real ed-ours edit cm @N@
EDITOR=true same_as_kubectl edit cm missing
EDITOR="$WORK/editor.sh" same_as_kubectl --names eda-real eda-ours edit cm @N@
same_as_kubectl --names eda-real eda-ours get cm @N@ -o jsonpath='{.metadata.annotations}'

echo "== explain (the server's OpenAPI v3) and top (no metrics API)"
for what in pods svc deploy events endpointslices leases.spec pods.spec.containers pods.spec.containers.name \
  pods.metadata.labels nodes.status.conditions pods.spec.containers.resources.limits pods.nope foo; do
  same_as_kubectl explain "$what"
done
same_as_kubectl explain pods --recursive
same_as_kubectl explain deploy.spec.template --recursive
same_as_kubectl explain deploy --api-version=apps/v1
same_as_kubectl explain pods --api-version=v2
same_as_kubectl explain
for what in pod pods nodes no foo; do same_as_kubectl top "$what"; done
same_as_kubectl top pods -A --containers

echo "PASS: $COMPARED commands print the same with kscratch kubectl as with kubectl"
