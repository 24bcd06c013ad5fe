#!/usr/bin/env bash
# Issue 5's acceptance through the real kubectl, against `kscratch server` with its local
# kubelet, real runc and a real registry on loopback: a pod runs and serves HTTP on its
# pod IP, shows logs and exec output; env, volumes and limits are visible inside; a
# crashing container backs off (CrashLoopBackOff) with a growing restart count; a failing
# liveness probe restarts its container; a failing readiness probe keeps Ready False; OOM shows OOMKilled; a
# missing image shows ImagePullBackOff; an air-gap archive is imported and runs; deleting
# a pod removes its containers, netns and mounts; kill -9 of kscratch then a restart
# keeps the containers running without a restart.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../images/lib_images.sh"
source "$(dirname "$0")/lib_node.sh"
K=$1

echo "== images: a registry on loopback and an air-gap archive"
images_start_registry "$(images_pick_port $((17300 + RANDOM % 300)))"
images_build_busybox "$WORK/oci" hello
images_push "$WORK/oci" hello "$REGISTRY/hello:1"
mkdir -p "$WORK/data/agent/images"
images_save "$WORK/oci" hello docker-archive "$WORK/data/agent/images/airgap.tar" airgap.local/hello:2

echo "== the server with its local agent"
node_start_server "$K"
IMAGE=$REGISTRY/hello:1

kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  index.html: "hello through a configMap volume"
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: $IMAGE
    args: [httpd, -f, -p, "8080", -h, /www]
    env:
    - name: MY_POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - {name: GREETING, value: "hi \$(MY_POD)"}
    resources:
      limits: {memory: 64Mi, cpu: 500m}
    readinessProbe:
      httpGet: {path: /index.html, port: 8080}
      periodSeconds: 1
    volumeMounts:
    - {name: site, mountPath: /www}
    - {name: scratch, mountPath: /scratch}
  volumes:
  - name: site
    configMap: {name: site}
  - name: scratch
    emptyDir: {}
YAML

echo "== the pod runs, becomes Ready and serves HTTP on its pod IP"
wait_until 90 "pod web Ready" kubectl wait --for=condition=Ready pod/web --timeout=2s
POD_IP=$(pod_field web '{.status.podIP}')
[[ $POD_IP == ${CLUSTER_CIDR%%.0.0/16}.* ]] || fail "pod IP $POD_IP is not in $CLUSTER_CIDR"
expect_exit 0 curl -fsS --max-time 5 "http://$POD_IP:8080/index.html"
expect_output '^hello through a configMap volume$'
[[ $(pod_field web '{.status.phase}') == Running ]] || fail "phase $(pod_field web '{.status.phase}')"
[[ $(pod_field web '{.status.containerStatuses[0].containerID}') == runc://* ]] || fail "containerID"
[[ $(pod_field web '{.status.hostIP}') != "" ]] || fail "no hostIP"

echo "== logs and exec"
expect_exit 0 kubectl logs web
expect_output 'hello from kscratch'
expect_exit 0 kubectl exec web -- env
expect_output '^MY_POD=web$'
expect_output '^GREETING=hi web$'
expect_exit 0 kubectl exec web -- cat /www/index.html
expect_output 'hello through a configMap volume'
expect_exit 0 kubectl exec web -- cat /sys/fs/cgroup/memory/memory.limit_in_bytes
expect_output '^67108864$'
expect_exit 0 kubectl exec web -- hostname
expect_output '^web$'
expect_exit 0 kubectl exec web -- sh -c 'echo data > /scratch/f && cat /scratch/f'
expect_output '^data$'
expect_exit 3 kubectl exec web -- sh -c 'exit 3'

echo "== crash loops, liveness, OOM, missing images, air-gap images"
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
  - {name: c, image: $IMAGE, command: [sh, -c, "echo crashing; exit 1"]}
---
apiVersion: v1
kind: Pod
metadata: {name: unhealthy}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMAGE
    args: [sleep, "1000"]
    livenessProbe:
      tcpSocket: {port: 9999}
      periodSeconds: 1
      failureThreshold: 1
---
apiVersion: v1
kind: Pod
metadata: {name: notready}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMAGE
    args: [sleep, "1000"]
    readinessProbe:
      exec: {command: ["false"]}
      periodSeconds: 1
---
apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, "a=xxxxxxxxxxxxxxxx; while :; do a=\"\$a\$a\"; done"]
    resources:
      limits: {memory: 16Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: missing}
spec:
  containers:
  - {name: c, image: $REGISTRY/nope:1}
---
apiVersion: v1
kind: Pod
metadata: {name: airgap}
spec:
  containers:
  - {name: c, image: airgap.local/hello:2, imagePullPolicy: Never, args: [sleep, "1000"]}
YAML

wait_until 60 "crasher in CrashLoopBackOff" \
  sh -c "kubectl get pod crasher -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}' | grep -qx CrashLoopBackOff"
wait_until 60 "crasher restarted twice" \
  sh -c "test \$(kubectl get pod crasher -o jsonpath='{.status.containerStatuses[0].restartCount}') -ge 2"
expect_exit 0 kubectl get pod crasher -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'
expect_output '^1$'
expect_exit 0 kubectl logs crasher
expect_output 'crashing'
expect_exit 0 kubectl get events --field-selector involvedObject.name=crasher
expect_output 'BackOff'

wait_until 60 "unhealthy restarted by its liveness probe" \
  sh -c "test \$(kubectl get pod unhealthy -o jsonpath='{.status.containerStatuses[0].restartCount}') -ge 1"
expect_exit 0 kubectl get events --field-selector involvedObject.name=unhealthy
expect_output 'Liveness probe failed'

wait_until 60 "notready Running" sh -c "kubectl get pod notready -o jsonpath='{.status.phase}' | grep -qx Running"
sleep 3  # several failed readiness probes
expect_exit 0 kubectl get pod notready -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
expect_output '^False$'
expect_exit 0 kubectl get events --field-selector involvedObject.name=notready
expect_output 'Readiness probe failed'

wait_until 60 "hog OOMKilled" \
  sh -c "kubectl get pod hog -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}' | grep -qx OOMKilled"
wait_until 30 "hog Failed" sh -c "kubectl get pod hog -o jsonpath='{.status.phase}' | grep -qx Failed"

wait_until 60 "missing in ImagePullBackOff" \
  sh -c "kubectl get pod missing -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}' | grep -qx ImagePullBackOff"

wait_until 60 "airgap Running" sh -c "kubectl get pod airgap -o jsonpath='{.status.phase}' | grep -qx Running"

echo "== deleting a pod removes its containers, network namespace and mounts"
WEB_UID=$(pod_field web '{.metadata.uid}')
source "$WORK/data/agent/host-names.env"
[[ -e $RUN_DIR/netns/$WEB_UID ]] || fail "no netns file for web at $RUN_DIR/netns/$WEB_UID"
grep -q "$WEB_UID" /proc/self/mountinfo || fail "no mounts of web"
expect_exit 0 kubectl delete pod web --timeout=60s
expect_exit 1 kubectl get pod web
[[ ! -e $RUN_DIR/netns/$WEB_UID ]] || fail "web's netns is still there"
! grep -q "$WEB_UID" /proc/self/mountinfo || fail "web's mounts are still there: $(grep "$WEB_UID" /proc/self/mountinfo)"
containers=$(runc --root "$RUN_DIR/runc" list -q)
[[ $containers != *"$WEB_UID"* ]] || fail "web's containers are still there"

echo "== kill -9 of kscratch, then a restart: containers keep running, not restarted"
AIRGAP_ID=$(pod_field airgap '{.status.containerStatuses[0].containerID}')
node_restart_server "$K"
sleep 3  # a few relists and syncs of the restarted kubelet
[[ $(pod_field airgap '{.status.containerStatuses[0].containerID}') == "$AIRGAP_ID" ]] || fail "airgap's container changed"
[[ $(pod_field airgap '{.status.containerStatuses[0].restartCount}') == 0 ]] || fail "airgap restarted"
[[ $(pod_field airgap '{.status.phase}') == Running ]] || fail "airgap is $(pod_field airgap '{.status.phase}')"
expect_exit 0 kubectl exec airgap -- echo still here
expect_output '^still here$'

echo "PASS"
