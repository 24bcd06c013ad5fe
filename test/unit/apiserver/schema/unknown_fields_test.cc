#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "kscratch/apiserver/schema.h"

namespace schema = kscratch::apiserver::schema;
namespace json = boost::json;
using Paths = std::vector<std::string>;

namespace {

Paths unknown(std::string_view group, std::string_view kind, std::string_view text) {
  const schema::Type* type = schema::find_kind(group, "v1", kind);
  REQUIRE(type != nullptr);
  return schema::unknown_fields(*type, json::parse(text));
}

constexpr std::string_view kFullDeployment = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"},
               "annotations": {"any/key": "v"},
               "ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "x", "uid": "u",
                                    "controller": true, "blockOwnerDeletion": true}]},
  "spec": {
    "replicas": 3, "revisionHistoryLimit": 5, "progressDeadlineSeconds": 600, "minReadySeconds": 1,
    "selector": {"matchLabels": {"app": "web"},
                 "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a"]}]},
    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
    "template": {
      "metadata": {"labels": {"app": "web"}},
      "spec": {
        "serviceAccountName": "web", "terminationGracePeriodSeconds": 30,
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "fsGroup": 2000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "initContainers": [{"name": "init", "image": "busybox", "command": ["true"],
                            "restartPolicy": "Always"}],
        "containers": [{
          "name": "app", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent",
          "args": ["--port=8080"],
          "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
          "env": [{"name": "A", "value": "1"},
                  {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                  {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu",
                                                                     "divisor": "1m"}}},
                  {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k",
                                                               "optional": true}}}],
          "envFrom": [{"configMapRef": {"name": "cm"}, "prefix": "CM_"}],
          "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                        "limits": {"cpu": 1, "memory": "128Mi"}},
          "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http",
                                        "httpHeaders": [{"name": "X", "value": "y"}]},
                            "initialDelaySeconds": 5, "periodSeconds": 10, "failureThreshold": 3},
          "readinessProbe": {"tcpSocket": {"port": 8080}, "timeoutSeconds": 2},
          "startupProbe": {"exec": {"command": ["cat", "/tmp/ok"]}},
          "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
          "volumeMounts": [{"name": "config", "mountPath": "/etc/config", "readOnly": true},
                           {"name": "data", "mountPath": "/data", "subPath": "x"}],
          "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                              "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}
        }],
        "volumes": [
          {"name": "config", "configMap": {"name": "cm", "items": [{"key": "a", "path": "a"}],
                                           "defaultMode": 420}},
          {"name": "secret", "secret": {"secretName": "s", "optional": true}},
          {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
          {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
          {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
          {"name": "info", "downwardAPI": {"items": [{"path": "labels",
                                                      "fieldRef": {"fieldPath": "metadata.labels"}}]}},
          {"name": "all", "projected": {"sources": [
              {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
              {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}
        ],
        "affinity": {
          "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
              {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}},
          "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
              {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                  "labelSelector": {"matchLabels": {"app": "web"}}}}]}},
        "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule",
                         "tolerationSeconds": 10}],
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone",
                                       "whenUnsatisfiable": "DoNotSchedule",
                                       "labelSelector": {"matchLabels": {"app": "web"}}}]
      }
    }
  },
  "status": {"replicas": 3, "conditions": [{"type": "Available", "status": "True",
                                             "lastUpdateTime": "2024-01-01T00:00:00Z"}]}
})";

}  // namespace

TEST_CASE("valid full manifests report no unknown fields") {
  CHECK(unknown("apps", "Deployment", kFullDeployment).empty());
  CHECK(unknown("", "Service", R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
      "spec":{"type":"LoadBalancer","selector":{"app":"web"},"sessionAffinity":"ClientIP",
              "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}},
              "externalTrafficPolicy":"Local","ipFamilyPolicy":"SingleStack","ipFamilies":["IPv4"],
              "ports":[{"name":"http","port":80,"targetPort":"http","nodePort":30080,
                        "protocol":"TCP","appProtocol":"http"}]},
      "status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4","ipMode":"VIP"}]}}})").empty());
  CHECK(unknown("", "Pod", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
      "spec":{"hostNetwork":true,"dnsPolicy":"ClusterFirstWithHostNet","hostname":"h",
              "securityContext":{"runAsUser":0,"sysctls":[{"name":"net.core.somaxconn","value":"1024"}],
                                 "supplementalGroups":[1,2],"windowsOptions":{"runAsUserName":"u"}},
              "containers":[{"name":"c","image":"i","stdin":true,"tty":true,
                             "securityContext":{"privileged":true,"runAsGroup":0,
                                                "seLinuxOptions":{"level":"s0:c1"}}}],
              "ephemeralContainers":[{"name":"dbg","image":"busybox","targetContainerName":"c"}]},
      "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"}],
                "containerStatuses":[{"name":"c","ready":true,"restartCount":0,"image":"i",
                                      "imageID":"x","state":{"running":{"startedAt":"2024-01-01T00:00:00Z"}}}]}})")
            .empty());
  CHECK(unknown("", "ConfigMap", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},
      "data":{"a":"1"},"binaryData":{"b":"AAE="},"immutable":true})").empty());
  CHECK(unknown("", "Secret", R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
      "type":"Opaque","data":{"p":"czNjcjN0"},"stringData":{"q":"plain"}})").empty());
  CHECK(unknown("", "Node", R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},
      "spec":{"podCIDR":"10.1.0.0/24","taints":[{"key":"k","effect":"NoSchedule"}]},
      "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"4"},
                "addresses":[{"type":"InternalIP","address":"10.0.0.1"}],
                "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2024-01-01T00:00:00Z"}],
                "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
                "nodeInfo":{"kubeletVersion":"v1.32.0","architecture":"amd64"}}})").empty());
  CHECK(unknown("", "Namespace", R"({"apiVersion":"v1","kind":"Namespace",
      "metadata":{"name":"n","managedFields":[{"manager":"kubectl","operation":"Update",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}}]},
      "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})").empty());
}

TEST_CASE("unknown fields are reported with upstream's paths") {
  SECTION("top level and nested") {
    CHECK(unknown("apps", "Deployment", R"({"apiVersion":"apps/v1","kind":"Deployment",
        "metadata":{"name":"x","labelz":{}},"spec":{"replicaz":2},"extra":1})") ==
          Paths{"metadata.labelz", "spec.replicaz", "extra"});
  }
  SECTION("inside list items") {
    CHECK(unknown("apps", "Deployment", R"({"spec":{"template":{"spec":{"containers":[
        {"name":"a","image":"x"},{"name":"b","imagez":"y","ports":[{"containerPortz":1}]}]}}}})") ==
          Paths{"spec.template.spec.containers[1].imagez",
                "spec.template.spec.containers[1].ports[0].containerPortz"});
  }
  SECTION("inside inline structs, volume sources and probes") {
    CHECK(unknown("", "Pod", R"({"spec":{"volumes":[{"name":"v","configMap":{"nam":"x"}}],
        "containers":[{"name":"c","livenessProbe":{"httpGet":{"port":1,"paht":"/"},"periodSecond":1}}]}})") ==
          Paths{"spec.volumes[0].configMap.nam", "spec.containers[0].livenessProbe.httpGet.paht",
                "spec.containers[0].livenessProbe.periodSecond"});
  }
  SECTION("free-form values and string maps accept anything") {
    CHECK(unknown("", "ConfigMap", R"({"metadata":{"annotations":{"x":"y"}},"data":{"any":"thing"}})")
              .empty());
  }
  SECTION("apiVersion and kind are known only at the top") {
    CHECK(unknown("apps", "Deployment", R"({"spec":{"kind":"x"}})") == Paths{"spec.kind"});
  }
  SECTION("the same path is reported once") {
    CHECK(unknown("", "Pod", R"({"spec":{"containers":[{"a":1}],"initContainers":[{"a":1}]}})") ==
          Paths{"spec.containers[0].a", "spec.initContainers[0].a"});
  }
  SECTION("a non-object body has nothing to report") {
    CHECK(unknown("", "Pod", "[1,2]").empty());
  }
}

TEST_CASE("at most 100 unknown fields are reported, as upstream caps them") {
  json::object spec;
  for (int i = 0; i < 150; ++i) spec["f" + std::to_string(i)] = i;
  const schema::Type* pod = schema::find_kind("", "v1", "Pod");
  REQUIRE(pod != nullptr);
  CHECK(schema::unknown_fields(*pod, json::object{{"spec", spec}}).size() == 100);
}

TEST_CASE("duplicate fields are found in the JSON text") {
  CHECK(schema::duplicate_fields(R"({"metadata":{"name":"a","name":"b"},"spec":{}})") ==
        Paths{"metadata.name"});
  CHECK(schema::duplicate_fields(
            R"({"spec":{"containers":[{"name":"a"},{"name":"b","image":"x","image":"y"}]},"spec":1})") ==
        Paths{"spec.containers[1].image", "spec"});
  CHECK(schema::duplicate_fields(R"({"a":1,"b":[1,{"c":2}]})").empty());
  CHECK(schema::duplicate_fields(R"({"a":1,"a")").size() == 1);  // truncated text: what was seen
  CHECK(schema::duplicate_fields(std::string(10000, '[')).empty());  // too deep: parser stops
}

TEST_CASE("strict error detail uses upstream's wording") {
  CHECK(schema::strict_error_detail({"spec.replicaz", "spec.x"}, {}) ==
        R"(unknown field "spec.replicaz", unknown field "spec.x")");
  CHECK(schema::strict_error_detail({"a"}, {"metadata.name"}) ==
        R"(duplicate field "metadata.name", unknown field "a")");
}

TEST_CASE("kinds are found by group, version and kind") {
  CHECK(schema::openapi_name(*schema::find_kind("apps", "v1", "Deployment")) ==
        "io.k8s.api.apps.v1.Deployment");
  CHECK(schema::find_kind("", "v1", "Deployment") == nullptr);
  CHECK(schema::find_kind("discovery.k8s.io", "v1", "EndpointSlice") != nullptr);
  CHECK(schema::find_kind("coordination.k8s.io", "v1", "Lease") != nullptr);
  CHECK(schema::find_kind("autoscaling", "v1", "Scale") != nullptr);
  CHECK(schema::find_kind("", "v1", "PodSpec") == nullptr);  // not a top-level kind
  CHECK(schema::find_kind("apps", "v1", "Status") != nullptr);
  for (std::string_view kind : {"Namespace", "Node", "Pod", "Service", "Endpoints", "ConfigMap",
                                "Secret", "Event", "ServiceAccount", "DeleteOptions", "Status"}) {
    CHECK(schema::find_kind("", "v1", kind) != nullptr);
  }
}
