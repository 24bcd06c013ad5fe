# `kscratch kubectl describe` and `rollout` against the real kubectl 1.32: describe of every
# built-in kind (by name, by prefix, by -l, all of a type, across namespaces), with the
# controllers' events and one made through the API, a node written by hand, the not-found
# errors, rollout status, history, pause, resume, restart and undo, and set image, the
# changing ones on twin Deployments.
source "$(dirname "$0")/compare_lib.sh" "$1"

cat >"$WORK/app.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
  annotations: {note: "a short note"}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {team: blue}}
    spec:
      containers:
      - name: web
        image: "nginx:1.25"
        ports: [{containerPort: 80}, {containerPort: 443, name: https}]
        env:
        - {name: MODE, value: fast}
        - {name: MULTI, value: "one\ntwo"}
        - name: POD
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        - name: KEY
          valueFrom: {configMapKeyRef: {name: settings, key: mode}}
        envFrom: [{configMapRef: {name: settings}}]
        resources: {limits: {cpu: 100m, memory: 64Mi}, requests: {cpu: "0.05"}}
        readinessProbe: {httpGet: {path: /healthz, port: 80}, periodSeconds: 5}
        livenessProbe: {tcpSocket: {port: 80}}
        volumeMounts: [{name: data, mountPath: /data}, {name: conf, mountPath: /etc/conf, readOnly: true}]
      - {name: side, image: busybox, command: [sleep, "3600"], args: ["--verbose"]}
      volumes:
      - {name: data, emptyDir: {}}
      - {name: conf, configMap: {name: settings}}
      nodeSelector: {disk: ssd}
      tolerations: [{key: dedicated, operator: Equal, value: web, effect: NoSchedule}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: idle, labels: {app: idle}}
spec:
  replicas: 0
  selector: {matchLabels: {app: idle}}
  template:
    metadata: {labels: {app: idle}}
    spec:
      containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80, name: http}, {port: 443, targetPort: https, name: https}]
---
apiVersion: v1
kind: Service
metadata: {name: nodeport}
spec:
  type: NodePort
  selector: {app: none}
  ports: [{port: 8080, nodePort: 30081}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {app: web}, annotations: {note: "<b>&"}}
data: {mode: "fast\nand more\n"}
binaryData: {blob: aGVsbG8=}
---
apiVersion: v1
kind: Pod
metadata: {name: lone, labels: {app: lone}}
spec:
  nodeName: ghost
  containers: [{name: c, image: busybox, resources: {limits: {cpu: 200m, memory: 32Mi}}}]
---
apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {team: a}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: team-a}
data: {a: b}
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual, labels: {app: manual}}
subsets:
- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
  notReadyAddresses: [{ip: 10.0.0.3}]
  ports: [{port: 80, name: http}, {port: 53, protocol: UDP, name: dns}]
YAML
expect_exit 0 kubectl apply -f "$WORK/app.yaml"
wait_until 30 "pods of web" bash -c "[[ \$(kubectl get pods -l app=web -o name | wc -l) == 2 ]]"

# An event made through the API, about the ConfigMap (its uid is part of kubectl's search).
uid=$(kubectl get cm settings -o jsonpath='{.metadata.uid}')
first=$(date -u -d '-3 hours' +%Y-%m-%dT%H:%M:%SZ) last=$(date -u -d '-20 minutes' +%Y-%m-%dT%H:%M:%SZ)
cat >"$WORK/event.yaml" <<YAML
apiVersion: v1
kind: Event
metadata: {name: settings.1, namespace: default}
involvedObject: {kind: ConfigMap, name: settings, namespace: default, uid: "$uid", apiVersion: v1}
reason: Reloaded
message: "  settings were reloaded  "
type: Normal
source: {component: tester}
count: 3
firstTimestamp: "$first"
lastTimestamp: "$last"
YAML
expect_exit 0 kubectl create -f "$WORK/event.yaml"
# Let the controllers settle, and every event's age reach two digits, so both clients see
# one state with ages of one width.
sleep 11

# describe: each kind, by name, by prefix, by selector, all of a type, across namespaces.
same_as_kubectl describe deployment web
same_as_kubectl describe deploy
same_as_kubectl describe deployments.apps idle
same_as_kubectl describe rs
same_as_kubectl describe rs -l app=web
same_as_kubectl describe pods -l app=web
same_as_kubectl describe pod lone
same_as_kubectl describe po web
same_as_kubectl describe svc
same_as_kubectl describe service/web
same_as_kubectl describe endpoints
same_as_kubectl describe ep manual
same_as_kubectl describe cm settings
same_as_kubectl describe cm -n team-a
same_as_kubectl describe cm other -n team-a
same_as_kubectl describe ns team-a
same_as_kubectl describe ns
same_as_kubectl describe cm -A -l app=web
same_as_kubectl describe deploy,svc -l app=web
same_as_kubectl describe deploy/web svc/web
same_as_kubectl describe deploy web --show-events=false
same_as_kubectl describe cm settings --show-events=false
# Errors and empty answers.
same_as_kubectl describe
same_as_kubectl describe deploy nope
same_as_kubectl describe deployment/nope
same_as_kubectl describe pods nope other
same_as_kubectl describe deploy web nope
same_as_kubectl describe cm nope -A
same_as_kubectl describe cm -l app=none
same_as_kubectl describe cm -A -l app=none

# A node of the API only (no kubelet): its status and lease written by hand.
cat >"$WORK/node.yaml" <<'YAML'
apiVersion: v1
kind: Node
metadata:
  name: ghost
  labels: {kubernetes.io/hostname: ghost, node-role.kubernetes.io/worker: "", disk: ssd}
  annotations: {note: hi}
spec:
  podCIDR: 10.42.9.0/24
  podCIDRs: [10.42.9.0/24]
  taints: [{key: dedicated, value: web, effect: NoSchedule}, {key: gpu, effect: PreferNoSchedule}]
YAML
expect_exit 0 kubectl apply -f "$WORK/node.yaml"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 kubectl patch node ghost --subresource=status --type=merge -p '{"status":{
  "capacity":{"cpu":"4","memory":"8Gi","pods":"110","ephemeral-storage":"100Gi","example.com/gpu":"2"},
  "allocatable":{"cpu":"3800m","memory":"7Gi","pods":"110","ephemeral-storage":"90Gi","example.com/gpu":"2"},
  "addresses":[{"type":"InternalIP","address":"192.0.2.10"},{"type":"Hostname","address":"ghost"}],
  "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status",
    "lastHeartbeatTime":"'"$now"'","lastTransitionTime":"2026-01-02T03:04:05Z"}],
  "nodeInfo":{"machineID":"m1","systemUUID":"s1","bootID":"b1","kernelVersion":"6.1","osImage":"Debian",
    "operatingSystem":"linux","architecture":"amd64","containerRuntimeVersion":"runc://1.1",
    "kubeletVersion":"v1.32.0","kubeProxyVersion":"v1.32.0"}}}'
cat >"$WORK/lease.yaml" <<YAML
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: ghost, namespace: kube-node-lease}
spec: {holderIdentity: ghost, leaseDurationSeconds: 40, renewTime: "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"}
YAML
expect_exit 0 kubectl apply -f "$WORK/lease.yaml"
same_as_kubectl describe node ghost
same_as_kubectl describe nodes
same_as_kubectl describe no/nope

# rollout: read-only forms on shared objects, changes on twins.
same_as_kubectl rollout status deploy/web --watch=false
same_as_kubectl rollout status deployment web --timeout=1s
same_as_kubectl rollout status deploy/idle
same_as_kubectl rollout status deploy/idle --watch=false
same_as_kubectl rollout status deploy/nope
same_as_kubectl rollout status
same_as_kubectl rollout status cm/settings
same_as_kubectl rollout history deploy/web
same_as_kubectl rollout history deploy
same_as_kubectl rollout history deploy/web --revision=1
same_as_kubectl rollout history deploy/web --revision=5
same_as_kubectl rollout history cm/settings
same_as_kubectl rollout undo deploy/web
same_as_kubectl rollout pause cm/settings
same_as_kubectl rollout restart deploy/nope
for d in r-real r-ours; do expect_exit 0 kubectl create deployment $d --image=nginx:1 --replicas=1; done
sleep 1
same_as_kubectl --names r-real r-ours rollout pause deploy/@N@
same_as_kubectl --names r-real r-ours rollout pause deploy/@N@
same_as_kubectl --names r-real r-ours rollout restart deploy/@N@
same_as_kubectl --names r-real r-ours rollout resume deployment @N@
same_as_kubectl --names r-real r-ours rollout resume deploy/@N@
same_as_kubectl --names r-real r-ours rollout restart deploy/@N@
wait_until 20 "second revisions" bash -c "[[ \$(kubectl get rs -l app=r-ours -o name | wc -l) == 2 && \$(kubectl get rs -l app=r-real -o name | wc -l) == 2 ]]"
same_as_kubectl --names r-real r-ours rollout history deploy/@N@
same_as_kubectl --names r-real r-ours rollout undo deploy/@N@ --to-revision=9
same_as_kubectl --names r-real r-ours rollout undo deploy/@N@
sleep 1
same_as_kubectl --names r-real r-ours rollout undo deploy/@N@ --to-revision=3
same_as_kubectl --names r-real r-ours rollout history deploy/@N@
same_as_kubectl --names r-real r-ours rollout status deploy/@N@ --watch=false

# set image: changed, unchanged, every container, a missing container, errors.
for d in i-real i-ours; do expect_exit 0 kubectl create deployment $d --image=nginx:1 --replicas=0; done
same_as_kubectl --names i-real i-ours set image deploy/@N@ nginx=nginx:2
same_as_kubectl --names i-real i-ours set image deploy/@N@ nginx=nginx:2
same_as_kubectl --names i-real i-ours set image deployment @N@ '*=nginx:3'
same_as_kubectl --names i-real i-ours set image deploy/@N@ nope=x
same_as_kubectl --names i-real i-ours set image deploy/@N@ deploy/idle nginx=nginx:4
same_as_kubectl --names i-real i-ours set image deploy/@N@
same_as_kubectl set image
same_as_kubectl set image deploy/nope a=b
same_as_kubectl set image cm/settings a=b
same_as_kubectl --names i-real i-ours get deploy @N@ -o jsonpath='{.spec.template.spec.containers[*].image}'
wait_until 20 "revisions of i-real and i-ours" bash -c "[[ \$(kubectl get rs -l app=i-ours -o name | wc -l) == 4 && \$(kubectl get rs -l app=i-real -o name | wc -l) == 4 ]]"
same_as_kubectl --names i-real i-ours rollout history deploy/@N@

echo "PASS: $COMPARED commands print the same with kscratch kubectl as with kubectl"
