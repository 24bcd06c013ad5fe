// track_update's exact output, pinned byte for byte: the whole object after the call, so
// managedFields (entry order, FieldsV1 keys, time, operation, fieldsType, apiVersion,
// subresource) and where the list sits in metadata. The expected strings were recorded
// from the implementation that diffed a copy of each object against an empty one, so that
// faster paths through track_update provably change nothing.

#include <catch2/catch.hpp>

#include "test_support.h"

#include <cstdio>
#include <cstdlib>

using namespace fm_test;

namespace {

// A kind the server knows no list keys of (a custom resource without a schema).
Scope schemaless_scope() {
  Scope s;
  s.api_version = "example.com/v1";
  s.kind = "Thing";
  return s;
}

json::object tracked(const Scope& scope, const json::object* live, json::object updated, const char* manager,
                     const char* now) {
  track_update(scope, live, updated, manager, now);
  return updated;
}

// FM_RECORD=1 prints what the calls return, to record the strings again after an intended change.
void pin(const char* name, const json::object& o, const char* expected) {
  if (std::getenv("FM_RECORD")) std::printf("@@%s\n%s\n", name, json::serialize(o).c_str());
  INFO(name);
  CHECK(json::serialize(o) == expected);
}

json::object& sub(json::object& o, std::initializer_list<const char*> path) {
  json::object* cur = &o;
  for (const char* p : path) cur = &(*cur)[p].as_object();
  return *cur;
}

json::array& list(json::object& o, std::initializer_list<const char*> path, const char* field) {
  return sub(o, path)[field].as_array();
}

const char* kConfigMap = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1",
  "namespace":"kscratch-bench","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a",
  "note":"x"},"uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"",
  "creationTimestamp":"2024-01-01T00:00:00Z"},"data":{"client":"7","color":"blue","size":"small",
  "note":"created by kscratch-bench api"},"binaryData":{"b":"AA=="},"immutable":false})";

const char* kDeployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",
  "namespace":"default","uid":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z",
  "labels":{"app":"web"},"annotations":{"deployment.kubernetes.io/revision":"1"},"finalizers":["a/b"]},
  "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate",
  "rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHistoryLimit":10,
  "template":{"metadata":{"labels":{"app":"web"},"creationTimestamp":null},"spec":{"containers":[
  {"name":"web","image":"nginx:1.25","args":["-g","daemon off;"],"ports":[{"containerPort":80,"name":"http"},
  {"containerPort":53,"protocol":"UDP"}],"env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":
  {"fieldPath":"metadata.name"}}}],"resources":{},"volumeMounts":[{"name":"data","mountPath":"/data"}]},
  {"name":"sidecar","image":"busybox","command":["sleep","inf"],"resources":{"limits":{"cpu":"100m"}}}],
  "volumes":[{"name":"data","emptyDir":{}}],"restartPolicy":"Always","nodeSelector":{"disk":"ssd"},
  "tolerations":[{"key":"k","operator":"Exists"}],"securityContext":{}}}},
  "status":{"replicas":0,"conditions":[{"type":"Available","status":"False"}]}})";

const char* kPod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"u-p",
  "creationTimestamp":"2024-01-01T00:00:00Z","labels":{"run":"p"},"ownerReferences":[{"apiVersion":"apps/v1",
  "kind":"ReplicaSet","name":"rs","uid":"rs-1","controller":true}],"finalizers":["x/y","z/w"]},
  "spec":{"containers":[{"name":"c","image":"busybox","ports":[{"containerPort":8080,"protocol":"TCP"}],
  "env":[{"name":"X","value":"1"}]}],"initContainers":[{"name":"init","image":"busybox"}],
  "volumes":[{"name":"v","configMap":{"name":"cm","items":[{"key":"a","path":"a"}]}}],
  "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute",
  "tolerationSeconds":300}],"nodeName":"","dnsPolicy":"ClusterFirst","hostAliases":[{"ip":"1.2.3.4",
  "hostnames":["a"]}]},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"}]}})";

}  // namespace

TEST_CASE("pinned: a ConfigMap created, updated by its creator and by another manager", "[fieldmanager]") {
  auto created = tracked(configmap_scope(), nullptr, obj(kConfigMap), "kscratch-bench", "2024-01-01T00:00:00Z");
  pin("configmap-create", created,
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a","note":"x"},")json"
      R"json(uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestamp":"2024-01-)json"
      R"json(01T00:00:00Z","managedFields":[{"manager":"kscratch-bench","operation":"Update","apiVersion":")json"
      R"json(v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:binaryData":{".":{},")json"
      R"json(f:b":{}},"f:data":{".":{},"f:client":{},"f:color":{},"f:note":{},"f:size":{}},"f:immutable":{})json"
      R"json(,"f:metadata":{"f:annotations":{".":{},"f:note":{},"f:owner":{}},"f:labels":{".":{},"f:app":{})json"
      R"json(,"f:tier":{}}}}}]},"data":{"client":"7","color":"blue","size":"small","note":"created by kscra)json"
      R"json(tch-bench api"},"binaryData":{"b":"AA=="},"immutable":false})json");

  // The creator again: its entry moves to the new time; removed fields leave it.
  auto next = created;
  sub(next, {"data"})["color"] = "red";
  sub(next, {"data"}).erase("size");
  sub(next, {"data"})["extra"] = "e";
  sub(next, {"metadata", "annotations"}).erase("note");
  auto same_manager = tracked(configmap_scope(), &created, next, "kscratch-bench", "2024-01-02T00:00:00Z");
  pin("configmap-update-same-manager", same_manager,
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a"},"uid":"0b7e7)json"
      R"json(a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestamp":"2024-01-01T00:00:00)json"
      R"json(Z","managedFields":[{"manager":"kscratch-bench","operation":"Update","apiVersion":"v1","time":)json"
      R"json("2024-01-02T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:binaryData":{".":{},"f:b":{}},"f)json"
      R"json(:data":{".":{},"f:client":{},"f:color":{},"f:extra":{},"f:note":{}},"f:immutable":{},"f:metada)json"
      R"json(ta":{"f:annotations":{".":{},"f:owner":{}},"f:labels":{".":{},"f:app":{},"f:tier":{}}}}}]},"da)json"
      R"json(ta":{"client":"7","color":"red","note":"created by kscratch-bench api","extra":"e"},"binaryDat)json"
      R"json(a":{"b":"AA=="},"immutable":false})json");

  auto other = same_manager;
  sub(other, {"metadata", "labels"})["tier"] = "db";
  sub(other, {"metadata", "labels"}).erase("app");
  other.erase("binaryData");
  other["immutable"] = true;
  auto second = tracked(configmap_scope(), &same_manager, other, "kubectl-edit", "2024-01-03T00:00:00Z");
  pin("configmap-update-second-manager", second,
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"tier":"db"},"annotations":{"owner":"team-a"},"uid":"0b7e7a4e-0000-4000-8000-00000)json"
      R"json(0000001","resourceVersion":"","creationTimestamp":"2024-01-01T00:00:00Z","managedFields":[{"ma)json"
      R"json(nager":"kscratch-bench","operation":"Update","apiVersion":"v1","time":"2024-01-02T00:00:00Z",")json"
      R"json(fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:client":{},"f:color":{},"f:extra":{},"f)json"
      R"json(:note":{}},"f:metadata":{"f:annotations":{".":{},"f:owner":{}},"f:labels":{}}}},{"manager":"ku)json"
      R"json(bectl-edit","operation":"Update","apiVersion":"v1","time":"2024-01-03T00:00:00Z","fieldsType":)json"
      R"json("FieldsV1","fieldsV1":{"f:immutable":{},"f:metadata":{"f:labels":{"f:tier":{}}}}}]},"data":{"c)json"
      R"json(lient":"7","color":"red","note":"created by kscratch-bench api","extra":"e"},"immutable":true})json");

  // Nothing changed: nothing moves, not even a time.
  auto unchanged = tracked(configmap_scope(), &second, second, "someone", "2030-01-01T00:00:00Z");
  pin("configmap-update-unchanged", unchanged,
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"tier":"db"},"annotations":{"owner":"team-a"},"uid":"0b7e7a4e-0000-4000-8000-00000)json"
      R"json(0000001","resourceVersion":"","creationTimestamp":"2024-01-01T00:00:00Z","managedFields":[{"ma)json"
      R"json(nager":"kscratch-bench","operation":"Update","apiVersion":"v1","time":"2024-01-02T00:00:00Z",")json"
      R"json(fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:client":{},"f:color":{},"f:extra":{},"f)json"
      R"json(:note":{}},"f:metadata":{"f:annotations":{".":{},"f:owner":{}},"f:labels":{}}}},{"manager":"ku)json"
      R"json(bectl-edit","operation":"Update","apiVersion":"v1","time":"2024-01-03T00:00:00Z","fieldsType":)json"
      R"json("FieldsV1","fieldsV1":{"f:immutable":{},"f:metadata":{"f:labels":{"f:tier":{}}}}}]},"data":{"c)json"
      R"json(lient":"7","color":"red","note":"created by kscratch-bench api","extra":"e"},"immutable":true})json");

  // Every field the second manager owned is taken back: its entry goes.
  auto back = second;
  sub(back, {"metadata", "labels"})["tier"] = "web";
  back["immutable"] = false;
  auto taken = tracked(configmap_scope(), &second, back, "kscratch-bench", "2024-01-04T00:00:00Z");
  pin("configmap-update-takes-all", taken,
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"tier":"web"},"annotations":{"owner":"team-a"},"uid":"0b7e7a4e-0000-4000-8000-0000)json"
      R"json(00000001","resourceVersion":"","creationTimestamp":"2024-01-01T00:00:00Z","managedFields":[{"m)json"
      R"json(anager":"kscratch-bench","operation":"Update","apiVersion":"v1","time":"2024-01-04T00:00:00Z",)json"
      R"json("fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:client":{},"f:color":{},"f:extra":{},")json"
      R"json(f:note":{}},"f:immutable":{},"f:metadata":{"f:annotations":{".":{},"f:owner":{}},"f:labels":{")json"
      R"json(.":{},"f:tier":{}}}}}]},"data":{"client":"7","color":"red","note":"created by kscratch-bench a)json"
      R"json(pi","extra":"e"},"immutable":false})json");
}

TEST_CASE("pinned: a Deployment created, updated, scaled and its status written", "[fieldmanager]") {
  auto created = tracked(deployment_scope(), nullptr, obj(kDeployment), "kubectl-client-side-apply",
                         "2024-01-01T00:00:00Z");
  pin("deployment-create", created,
      R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","ui)json"
      R"json(d":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"},"ann)json"
      R"json(otations":{"deployment.kubernetes.io/revision":"1"},"finalizers":["a/b"],"managedFields":[{"ma)json"
      R"json(nager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1","time":"2024-01)json"
      R"json(-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:de)json"
      R"json(ployment.kubernetes.io/revision":{}},"f:finalizers":{".":{},"v:\"a/b\"":{}},"f:labels":{".":{})json"
      R"json(,"f:app":{}}},"f:spec":{"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strateg)json"
      R"json(y":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template")json"
      R"json(:{"f:metadata":{"f:creationTimestamp":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containe)json"
      R"json(rs":{"k:{\"name\":\"sidecar\"}":{".":{},"f:command":{},"f:image":{},"f:name":{},"f:resources":)json"
      R"json({".":{},"f:limits":{".":{},"f:cpu":{}}}},"k:{\"name\":\"web\"}":{".":{},"f:args":{},"f:env":{")json"
      R"json(.":{},"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"B\"}":{".":{},"f:n)json"
      R"json(ame":{},"f:valueFrom":{".":{},"f:fieldRef":{".":{},"f:fieldPath":{}}}}},"f:image":{},"f:name":)json"
      R"json({},"f:ports":{".":{},"k:{\"containerPort\":53,\"protocol\":\"UDP\"}":{".":{},"f:containerPort")json"
      R"json(:{},"f:protocol":{}},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort")json"
      R"json(:{},"f:name":{}}},"f:resources":{},"f:volumeMounts":{".":{},"k:{\"mountPath\":\"/data\"}":{".")json"
      R"json(:{},"f:mountPath":{},"f:name":{}}}}},"f:nodeSelector":{},"f:restartPolicy":{},"f:securityConte)json"
      R"json(xt":{},"f:tolerations":{},"f:volumes":{".":{},"k:{\"name\":\"data\"}":{".":{},"f:emptyDir":{},)json"
      R"json("f:name":{}}}}}}}}]},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"strategy":)json"
      R"json({"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHi)json"
      R"json(storyLimit":10,"template":{"metadata":{"labels":{"app":"web"},"creationTimestamp":null},"spec")json"
      R"json(:{"containers":[{"name":"web","image":"nginx:1.25","args":["-g","daemon off;"],"ports":[{"cont)json"
      R"json(ainerPort":80,"name":"http"},{"containerPort":53,"protocol":"UDP"}],"env":[{"name":"A","value")json"
      R"json(:"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],"resources":{},"vol)json"
      R"json(umeMounts":[{"name":"data","mountPath":"/data"}]},{"name":"sidecar","image":"busybox","command)json"
      R"json(":["sleep","inf"],"resources":{"limits":{"cpu":"100m"}}}],"volumes":[{"name":"data","emptyDir")json"
      R"json(:{}}],"restartPolicy":"Always","nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"k","operat)json"
      R"json(or":"Exists"}],"securityContext":{}}}},"status":{"replicas":0,"conditions":[{"type":"Available)json"
      R"json(","status":"False"}]}})json");

  auto next = created;
  sub(next, {"spec"})["replicas"] = 4;
  auto& containers = list(next, {"spec", "template", "spec"}, "containers");
  auto& web = containers[0].as_object();
  web["image"] = "nginx:1.26";
  web["env"].as_array().erase(web["env"].as_array().begin() + 1);
  web["ports"].as_array().push_back(json::object{{"containerPort", 443}, {"name", "https"}});
  containers[1].as_object()["env"] = json::array{json::object{{"name", "S"}, {"value", "s"}}};
  sub(next, {"spec", "template", "spec"}).erase("volumes");
  sub(next, {"metadata", "annotations"}).erase("deployment.kubernetes.io/revision");
  sub(next, {"spec", "selector", "matchLabels"})["tier"] = "fe";
  auto edited = tracked(deployment_scope(), &created, next, "kubectl-edit", "2024-01-02T00:00:00Z");
  pin("deployment-update-second-manager", edited,
      R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","ui)json"
      R"json(d":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"},"ann)json"
      R"json(otations":{},"finalizers":["a/b"],"managedFields":[{"manager":"kubectl-client-side-apply","ope)json"
      R"json(ration":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1",)json"
      R"json("fieldsV1":{"f:metadata":{"f:annotations":{},"f:finalizers":{".":{},"v:\"a/b\"":{}},"f:labels")json"
      R"json(:{".":{},"f:app":{}}},"f:spec":{"f:revisionHistoryLimit":{},"f:strategy":{"f:rollingUpdate":{")json"
      R"json(.":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:creat)json"
      R"json(ionTimestamp":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"side)json"
      R"json(car\"}":{".":{},"f:command":{},"f:image":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":)json"
      R"json({},"f:cpu":{}}}},"k:{\"name\":\"web\"}":{".":{},"f:args":{},"f:env":{".":{},"k:{\"name\":\"A\")json"
      R"json(}":{".":{},"f:name":{},"f:value":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":53,\)json"
      R"json("protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"containerPort\":80,\)json"
      R"json("protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}},"f:resources":{},"f:volumeMou)json"
      R"json(nts":{".":{},"k:{\"mountPath\":\"/data\"}":{".":{},"f:mountPath":{},"f:name":{}}}}},"f:nodeSel)json"
      R"json(ector":{},"f:restartPolicy":{},"f:securityContext":{},"f:tolerations":{}}}}}},{"manager":"kube)json"
      R"json(ctl-edit","operation":"Update","apiVersion":"apps/v1","time":"2024-01-02T00:00:00Z","fieldsTyp)json"
      R"json(e":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:spec":{"f)json"
      R"json(:containers":{"k:{\"name\":\"sidecar\"}":{"f:env":{".":{},"k:{\"name\":\"S\"}":{".":{},"f:name)json"
      R"json(":{},"f:value":{}}}},"k:{\"name\":\"web\"}":{"f:image":{},"f:ports":{"k:{\"containerPort\":443)json"
      R"json(,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}}}}}}}}}]},"spec":{"replicas")json"
      R"json(:4,"selector":{"matchLabels":{"app":"web","tier":"fe"}},"strategy":{"type":"RollingUpdate","ro)json"
      R"json(llingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHistoryLimit":10,"template":{)json"
      R"json("metadata":{"labels":{"app":"web"},"creationTimestamp":null},"spec":{"containers":[{"name":"we)json"
      R"json(b","image":"nginx:1.26","args":["-g","daemon off;"],"ports":[{"containerPort":80,"name":"http")json"
      R"json(},{"containerPort":53,"protocol":"UDP"},{"containerPort":443,"name":"https"}],"env":[{"name":")json"
      R"json(A","value":"1"}],"resources":{},"volumeMounts":[{"name":"data","mountPath":"/data"}]},{"name":)json"
      R"json("sidecar","image":"busybox","command":["sleep","inf"],"resources":{"limits":{"cpu":"100m"}},"e)json"
      R"json(nv":[{"name":"S","value":"s"}]}],"securityContext":{},"restartPolicy":"Always","nodeSelector":)json"
      R"json({"disk":"ssd"},"tolerations":[{"key":"k","operator":"Exists"}]}}},"status":{"replicas":0,"cond)json"
      R"json(itions":[{"type":"Available","status":"False"}]}})json");

  auto status = edited;
  sub(status, {"status"})["replicas"] = 4;
  list(status, {"status"}, "conditions")[0].as_object()["status"] = "True";
  list(status, {"status"}, "conditions").push_back(json::object{{"type", "Progressing"}, {"status", "True"}});
  sub(status, {"spec"})["replicas"] = 9;  // not the status writer's, whatever it sends
  auto with_status = tracked(deployment_scope("status"), &edited, status, "kube-controller-manager",
                             "2024-01-03T00:00:00Z");
  pin("deployment-status", with_status,
      R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","ui)json"
      R"json(d":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"},"ann)json"
      R"json(otations":{},"finalizers":["a/b"],"managedFields":[{"manager":"kubectl-client-side-apply","ope)json"
      R"json(ration":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1",)json"
      R"json("fieldsV1":{"f:metadata":{"f:annotations":{},"f:finalizers":{".":{},"v:\"a/b\"":{}},"f:labels")json"
      R"json(:{".":{},"f:app":{}}},"f:spec":{"f:revisionHistoryLimit":{},"f:strategy":{"f:rollingUpdate":{")json"
      R"json(.":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:creat)json"
      R"json(ionTimestamp":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"side)json"
      R"json(car\"}":{".":{},"f:command":{},"f:image":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":)json"
      R"json({},"f:cpu":{}}}},"k:{\"name\":\"web\"}":{".":{},"f:args":{},"f:env":{".":{},"k:{\"name\":\"A\")json"
      R"json(}":{".":{},"f:name":{},"f:value":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":53,\)json"
      R"json("protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"containerPort\":80,\)json"
      R"json("protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}},"f:resources":{},"f:volumeMou)json"
      R"json(nts":{".":{},"k:{\"mountPath\":\"/data\"}":{".":{},"f:mountPath":{},"f:name":{}}}}},"f:nodeSel)json"
      R"json(ector":{},"f:restartPolicy":{},"f:securityContext":{},"f:tolerations":{}}}}}},{"manager":"kube)json"
      R"json(ctl-edit","operation":"Update","apiVersion":"apps/v1","time":"2024-01-02T00:00:00Z","fieldsTyp)json"
      R"json(e":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:spec":{"f)json"
      R"json(:containers":{"k:{\"name\":\"sidecar\"}":{"f:env":{".":{},"k:{\"name\":\"S\"}":{".":{},"f:name)json"
      R"json(":{},"f:value":{}}}},"k:{\"name\":\"web\"}":{"f:image":{},"f:ports":{"k:{\"containerPort\":443)json"
      R"json(,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}}}}}}}}},{"manager":"kube-con)json"
      R"json(troller-manager","operation":"Update","apiVersion":"apps/v1","time":"2024-01-03T00:00:00Z","fi)json"
      R"json(eldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{"f:)json"
      R"json(status":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:status":{},"f:type":{}}},"f:replicas":{})json"
      R"json(}},"subresource":"status"}]},"spec":{"replicas":9,"selector":{"matchLabels":{"app":"web","tier)json"
      R"json(":"fe"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable")json"
      R"json(:"25%"}},"revisionHistoryLimit":10,"template":{"metadata":{"labels":{"app":"web"},"creationTim)json"
      R"json(estamp":null},"spec":{"containers":[{"name":"web","image":"nginx:1.26","args":["-g","daemon of)json"
      R"json(f;"],"ports":[{"containerPort":80,"name":"http"},{"containerPort":53,"protocol":"UDP"},{"conta)json"
      R"json(inerPort":443,"name":"https"}],"env":[{"name":"A","value":"1"}],"resources":{},"volumeMounts":)json"
      R"json([{"name":"data","mountPath":"/data"}]},{"name":"sidecar","image":"busybox","command":["sleep",)json"
      R"json("inf"],"resources":{"limits":{"cpu":"100m"}},"env":[{"name":"S","value":"s"}]}],"securityConte)json"
      R"json(xt":{},"restartPolicy":"Always","nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"k","opera)json"
      R"json(tor":"Exists"}]}}},"status":{"replicas":4,"conditions":[{"type":"Available","status":"True"},{)json"
      R"json("type":"Progressing","status":"True"}]}})json");

  auto scale = with_status;
  sub(scale, {"spec"})["replicas"] = 5;
  auto scaled = tracked(deployment_scope("scale"), &with_status, scale, "kubectl", "2024-01-04T00:00:00Z");
  pin("deployment-scale", scaled,
      R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","ui)json"
      R"json(d":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"},"ann)json"
      R"json(otations":{},"finalizers":["a/b"],"managedFields":[{"manager":"kubectl-client-side-apply","ope)json"
      R"json(ration":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1",)json"
      R"json("fieldsV1":{"f:metadata":{"f:annotations":{},"f:finalizers":{".":{},"v:\"a/b\"":{}},"f:labels")json"
      R"json(:{".":{},"f:app":{}}},"f:spec":{"f:revisionHistoryLimit":{},"f:strategy":{"f:rollingUpdate":{")json"
      R"json(.":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:creat)json"
      R"json(ionTimestamp":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"side)json"
      R"json(car\"}":{".":{},"f:command":{},"f:image":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":)json"
      R"json({},"f:cpu":{}}}},"k:{\"name\":\"web\"}":{".":{},"f:args":{},"f:env":{".":{},"k:{\"name\":\"A\")json"
      R"json(}":{".":{},"f:name":{},"f:value":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":53,\)json"
      R"json("protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"containerPort\":80,\)json"
      R"json("protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}},"f:resources":{},"f:volumeMou)json"
      R"json(nts":{".":{},"k:{\"mountPath\":\"/data\"}":{".":{},"f:mountPath":{},"f:name":{}}}}},"f:nodeSel)json"
      R"json(ector":{},"f:restartPolicy":{},"f:securityContext":{},"f:tolerations":{}}}}}},{"manager":"kube)json"
      R"json(ctl-edit","operation":"Update","apiVersion":"apps/v1","time":"2024-01-02T00:00:00Z","fieldsTyp)json"
      R"json(e":"FieldsV1","fieldsV1":{"f:spec":{"f:selector":{},"f:template":{"f:spec":{"f:containers":{"k)json"
      R"json(:{\"name\":\"sidecar\"}":{"f:env":{".":{},"k:{\"name\":\"S\"}":{".":{},"f:name":{},"f:value":{)json"
      R"json(}}}},"k:{\"name\":\"web\"}":{"f:image":{},"f:ports":{"k:{\"containerPort\":443,\"protocol\":\")json"
      R"json(TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}}}}}}}}},{"manager":"kube-controller-manager")json"
      R"json(,"operation":"Update","apiVersion":"apps/v1","time":"2024-01-03T00:00:00Z","fieldsType":"Field)json"
      R"json(sV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{"f:status":{}},"k:{)json"
      R"json(\"type\":\"Progressing\"}":{".":{},"f:status":{},"f:type":{}}},"f:replicas":{}}},"subresource")json"
      R"json(:"status"},{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1","time":"2024-01-04)json"
      R"json(T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"subresource":"sca)json"
      R"json(le"}]},"spec":{"replicas":5,"selector":{"matchLabels":{"app":"web","tier":"fe"}},"strategy":{")json"
      R"json(type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHist)json"
      R"json(oryLimit":10,"template":{"metadata":{"labels":{"app":"web"},"creationTimestamp":null},"spec":{)json"
      R"json("containers":[{"name":"web","image":"nginx:1.26","args":["-g","daemon off;"],"ports":[{"contai)json"
      R"json(nerPort":80,"name":"http"},{"containerPort":53,"protocol":"UDP"},{"containerPort":443,"name":")json"
      R"json(https"}],"env":[{"name":"A","value":"1"}],"resources":{},"volumeMounts":[{"name":"data","mount)json"
      R"json(Path":"/data"}]},{"name":"sidecar","image":"busybox","command":["sleep","inf"],"resources":{"l)json"
      R"json(imits":{"cpu":"100m"}},"env":[{"name":"S","value":"s"}]}],"securityContext":{},"restartPolicy")json"
      R"json(:"Always","nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"k","operator":"Exists"}]}}},"st)json"
      R"json(atus":{"replicas":4,"conditions":[{"type":"Available","status":"True"},{"type":"Progressing",")json"
      R"json(status":"True"}]}})json");

  // Status through the main resource of a kind with /status is nobody's.
  auto main_status = scaled;
  sub(main_status, {"status"})["replicas"] = 1;
  sub(main_status, {"metadata", "labels"})["new"] = "n";
  auto through_main = tracked(deployment_scope(), &scaled, main_status, "kubectl-label", "2024-01-05T00:00:00Z");
  pin("deployment-status-through-main", through_main,
      R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","ui)json"
      R"json(d":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web","new")json"
      R"json(:"n"},"annotations":{},"finalizers":["a/b"],"managedFields":[{"manager":"kubectl-client-side-a)json"
      R"json(pply","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":")json"
      R"json(FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{},"f:finalizers":{".":{},"v:\"a/b\"":{}},)json"
      R"json("f:labels":{".":{},"f:app":{}}},"f:spec":{"f:revisionHistoryLimit":{},"f:strategy":{"f:rolling)json"
      R"json(Update":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata")json"
      R"json(:{"f:creationTimestamp":{},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"nam)json"
      R"json(e\":\"sidecar\"}":{".":{},"f:command":{},"f:image":{},"f:name":{},"f:resources":{".":{},"f:lim)json"
      R"json(its":{".":{},"f:cpu":{}}}},"k:{\"name\":\"web\"}":{".":{},"f:args":{},"f:env":{".":{},"k:{\"na)json"
      R"json(me\":\"A\"}":{".":{},"f:name":{},"f:value":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerP)json"
      R"json(ort\":53,\"protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"containerP)json"
      R"json(ort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}},"f:resources":{},"f)json"
      R"json(:volumeMounts":{".":{},"k:{\"mountPath\":\"/data\"}":{".":{},"f:mountPath":{},"f:name":{}}}}},)json"
      R"json("f:nodeSelector":{},"f:restartPolicy":{},"f:securityContext":{},"f:tolerations":{}}}}}},{"mana)json"
      R"json(ger":"kubectl-edit","operation":"Update","apiVersion":"apps/v1","time":"2024-01-02T00:00:00Z",)json"
      R"json("fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:selector":{},"f:template":{"f:spec":{"f:conta)json"
      R"json(iners":{"k:{\"name\":\"sidecar\"}":{"f:env":{".":{},"k:{\"name\":\"S\"}":{".":{},"f:name":{},")json"
      R"json(f:value":{}}}},"k:{\"name\":\"web\"}":{"f:image":{},"f:ports":{"k:{\"containerPort\":443,\"pro)json"
      R"json(tocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}}}}}}}}},{"manager":"kube-controlle)json"
      R"json(r-manager","operation":"Update","apiVersion":"apps/v1","time":"2024-01-03T00:00:00Z","fieldsTy)json"
      R"json(pe":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{"f:status)json"
      R"json(":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:status":{},"f:type":{}}},"f:replicas":{}}},"su)json"
      R"json(bresource":"status"},{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1","time":")json"
      R"json(2024-01-04T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"subreso)json"
      R"json(urce":"scale"},{"manager":"kubectl-label","operation":"Update","apiVersion":"apps/v1","time":")json"
      R"json(2024-01-05T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:new":{})json"
      R"json(}}}}]},"spec":{"replicas":5,"selector":{"matchLabels":{"app":"web","tier":"fe"}},"strategy":{")json"
      R"json(type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHist)json"
      R"json(oryLimit":10,"template":{"metadata":{"labels":{"app":"web"},"creationTimestamp":null},"spec":{)json"
      R"json("containers":[{"name":"web","image":"nginx:1.26","args":["-g","daemon off;"],"ports":[{"contai)json"
      R"json(nerPort":80,"name":"http"},{"containerPort":53,"protocol":"UDP"},{"containerPort":443,"name":")json"
      R"json(https"}],"env":[{"name":"A","value":"1"}],"resources":{},"volumeMounts":[{"name":"data","mount)json"
      R"json(Path":"/data"}]},{"name":"sidecar","image":"busybox","command":["sleep","inf"],"resources":{"l)json"
      R"json(imits":{"cpu":"100m"}},"env":[{"name":"S","value":"s"}]}],"securityContext":{},"restartPolicy")json"
      R"json(:"Always","nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"k","operator":"Exists"}]}}},"st)json"
      R"json(atus":{"replicas":1,"conditions":[{"type":"Available","status":"True"},{"type":"Progressing",")json"
      R"json(status":"True"}]}})json");
}

TEST_CASE("pinned: a Pod created, labelled and its status written by the kubelet", "[fieldmanager]") {
  auto created = tracked(pod_scope(), nullptr, obj(kPod), "kubectl-run", "2024-01-01T00:00:00Z");
  pin("pod-create", created,
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"u-p","crea)json"
      R"json(tionTimestamp":"2024-01-01T00:00:00Z","labels":{"run":"p"},"ownerReferences":[{"apiVersion":"a)json"
      R"json(pps/v1","kind":"ReplicaSet","name":"rs","uid":"rs-1","controller":true}],"finalizers":["x/y",")json"
      R"json(z/w"],"managedFields":[{"manager":"kubectl-run","operation":"Update","apiVersion":"v1","time":)json"
      R"json("2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":{".":{)json"
      R"json(},"v:\"x/y\"":{},"v:\"z/w\"":{}},"f:labels":{".":{},"f:run":{}},"f:ownerReferences":{".":{},"k)json"
      R"json(:{\"uid\":\"rs-1\"}":{".":{},"f:apiVersion":{},"f:controller":{},"f:kind":{},"f:name":{},"f:ui)json"
      R"json(d":{}}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:env":{".":{},"k:{\"name\":\)json"
      R"json("X\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\"con)json"
      R"json(tainerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}},"f:d)json"
      R"json(nsPolicy":{},"f:hostAliases":{".":{},"k:{\"ip\":\"1.2.3.4\"}":{".":{},"f:hostnames":{},"f:ip":)json"
      R"json({}}},"f:initContainers":{".":{},"k:{\"name\":\"init\"}":{".":{},"f:image":{},"f:name":{}}},"f:)json"
      R"json(nodeName":{},"f:tolerations":{},"f:volumes":{".":{},"k:{\"name\":\"v\"}":{".":{},"f:configMap")json"
      R"json(:{".":{},"f:items":{},"f:name":{}},"f:name":{}}}}}}]},"spec":{"containers":[{"name":"c","image)json"
      R"json(":"busybox","ports":[{"containerPort":8080,"protocol":"TCP"}],"env":[{"name":"X","value":"1"}])json"
      R"json(}],"initContainers":[{"name":"init","image":"busybox"}],"volumes":[{"name":"v","configMap":{"n)json"
      R"json(ame":"cm","items":[{"key":"a","path":"a"}]}}],"tolerations":[{"key":"node.kubernetes.io/not-re)json"
      R"json(ady","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"nodeName":"","dnsPoli)json"
      R"json(cy":"ClusterFirst","hostAliases":[{"ip":"1.2.3.4","hostnames":["a"]}]},"status":{"phase":"Pend)json"
      R"json(ing","conditions":[{"type":"PodScheduled","status":"True"}]}})json");

  auto next = created;
  sub(next, {"metadata", "labels"})["extra"] = "1";
  list(next, {"metadata"}, "finalizers").pop_back();
  list(next, {"spec"}, "containers")[0].as_object()["image"] = "busybox:2";
  sub(next, {"spec"}).erase("hostAliases");
  sub(next, {"status"})["phase"] = "Unknown";
  auto labelled = tracked(pod_scope(), &created, next, "kubectl-label", "2024-01-02T00:00:00Z");
  pin("pod-update", labelled,
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"u-p","crea)json"
      R"json(tionTimestamp":"2024-01-01T00:00:00Z","labels":{"run":"p","extra":"1"},"ownerReferences":[{"ap)json"
      R"json(iVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"rs-1","controller":true}],"finalize)json"
      R"json(rs":["x/y"],"managedFields":[{"manager":"kubectl-run","operation":"Update","apiVersion":"v1",")json"
      R"json(time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":)json"
      R"json({".":{},"v:\"x/y\"":{}},"f:labels":{".":{},"f:run":{}},"f:ownerReferences":{".":{},"k:{\"uid\")json"
      R"json(:\"rs-1\"}":{".":{},"f:apiVersion":{},"f:controller":{},"f:kind":{},"f:name":{},"f:uid":{}}}},)json"
      R"json("f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"X\"}":{")json"
      R"json(.":{},"f:name":{},"f:value":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"pr)json"
      R"json(otocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}},"f:dnsPolicy":{},"f:initCo)json"
      R"json(ntainers":{".":{},"k:{\"name\":\"init\"}":{".":{},"f:image":{},"f:name":{}}},"f:nodeName":{},")json"
      R"json(f:tolerations":{},"f:volumes":{".":{},"k:{\"name\":\"v\"}":{".":{},"f:configMap":{".":{},"f:it)json"
      R"json(ems":{},"f:name":{}},"f:name":{}}}}}},{"manager":"kubectl-label","operation":"Update","apiVers)json"
      R"json(ion":"v1","time":"2024-01-02T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:l)json"
      R"json(abels":{"f:extra":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{"f:image":{}}}}}}]},"sp)json"
      R"json(ec":{"containers":[{"name":"c","image":"busybox:2","ports":[{"containerPort":8080,"protocol":")json"
      R"json(TCP"}],"env":[{"name":"X","value":"1"}]}],"initContainers":[{"name":"init","image":"busybox"}])json"
      R"json(,"volumes":[{"name":"v","configMap":{"name":"cm","items":[{"key":"a","path":"a"}]}}],"tolerati)json"
      R"json(ons":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerati)json"
      R"json(onSeconds":300}],"nodeName":"","dnsPolicy":"ClusterFirst"},"status":{"phase":"Unknown","condit)json"
      R"json(ions":[{"type":"PodScheduled","status":"True"}]}})json");

  auto status = labelled;
  sub(status, {"status"})["phase"] = "Running";
  sub(status, {"status"})["podIPs"] = json::array{json::object{{"ip", "10.0.0.5"}}};
  list(status, {"status"}, "conditions").push_back(json::object{{"type", "Ready"}, {"status", "True"}});
  sub(status, {"metadata", "labels"})["kubelet"] = "no";  // not the status writer's
  auto running = tracked(pod_scope("status"), &labelled, status, "kubelet", "2024-01-03T00:00:00Z");
  pin("pod-status", running,
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"u-p","crea)json"
      R"json(tionTimestamp":"2024-01-01T00:00:00Z","labels":{"run":"p","extra":"1","kubelet":"no"},"ownerRe)json"
      R"json(ferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"rs-1","controller":t)json"
      R"json(rue}],"finalizers":["x/y"],"managedFields":[{"manager":"kubectl-run","operation":"Update","api)json"
      R"json(Version":"v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{)json"
      R"json("f:finalizers":{".":{},"v:\"x/y\"":{}},"f:labels":{".":{},"f:run":{}},"f:ownerReferences":{".")json"
      R"json(:{},"k:{\"uid\":\"rs-1\"}":{".":{},"f:apiVersion":{},"f:controller":{},"f:kind":{},"f:name":{})json"
      R"json(,"f:uid":{}}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:env":{".":{},"k:{\"na)json"
      R"json(me\":\"X\"}":{".":{},"f:name":{},"f:value":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerP)json"
      R"json(ort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}},"f:dnsPolic)json"
      R"json(y":{},"f:initContainers":{".":{},"k:{\"name\":\"init\"}":{".":{},"f:image":{},"f:name":{}}},"f)json"
      R"json(:nodeName":{},"f:tolerations":{},"f:volumes":{".":{},"k:{\"name\":\"v\"}":{".":{},"f:configMap)json"
      R"json(":{".":{},"f:items":{},"f:name":{}},"f:name":{}}}}}},{"manager":"kubectl-label","operation":"U)json"
      R"json(pdate","apiVersion":"v1","time":"2024-01-02T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:)json"
      R"json(metadata":{"f:labels":{"f:extra":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{"f:image)json"
      R"json(":{}}}}}},{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2024-01-03T00:00)json"
      R"json(:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}")json"
      R"json(:{".":{},"f:status":{},"f:type":{}}},"f:phase":{},"f:podIPs":{".":{},"k:{\"ip\":\"10.0.0.5\"}")json"
      R"json(:{".":{},"f:ip":{}}}}},"subresource":"status"}]},"spec":{"containers":[{"name":"c","image":"bu)json"
      R"json(sybox:2","ports":[{"containerPort":8080,"protocol":"TCP"}],"env":[{"name":"X","value":"1"}]}],)json"
      R"json("initContainers":[{"name":"init","image":"busybox"}],"volumes":[{"name":"v","configMap":{"name)json"
      R"json(":"cm","items":[{"key":"a","path":"a"}]}}],"tolerations":[{"key":"node.kubernetes.io/not-ready)json"
      R"json(","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"nodeName":"","dnsPolicy")json"
      R"json(:"ClusterFirst"},"status":{"phase":"Running","conditions":[{"type":"PodScheduled","status":"Tr)json"
      R"json(ue"},{"type":"Ready","status":"True"}],"podIPs":[{"ip":"10.0.0.5"}]}})json");
}

TEST_CASE("pinned: objects created before tracking stay untracked until sent entries", "[fieldmanager]") {
  auto live = obj(kDeployment);
  auto next = live;
  sub(next, {"spec"})["replicas"] = 7;
  pin("untracked-update", tracked(deployment_scope(), &live, next, "kubectl", "2024-01-02T00:00:00Z"),
      R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","ui)json"
      R"json(d":"u-1","generation":1,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"},"ann)json"
      R"json(otations":{"deployment.kubernetes.io/revision":"1"},"finalizers":["a/b"]},"spec":{"replicas":7)json"
      R"json(,"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{)json"
      R"json("maxSurge":"25%","maxUnavailable":"25%"}},"revisionHistoryLimit":10,"template":{"metadata":{"l)json"
      R"json(abels":{"app":"web"},"creationTimestamp":null},"spec":{"containers":[{"name":"web","image":"ng)json"
      R"json(inx:1.25","args":["-g","daemon off;"],"ports":[{"containerPort":80,"name":"http"},{"containerP)json"
      R"json(ort":53,"protocol":"UDP"}],"env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef")json"
      R"json(:{"fieldPath":"metadata.name"}}}],"resources":{},"volumeMounts":[{"name":"data","mountPath":"/)json"
      R"json(data"}]},{"name":"sidecar","image":"busybox","command":["sleep","inf"],"resources":{"limits":{)json"
      R"json("cpu":"100m"}}}],"volumes":[{"name":"data","emptyDir":{}}],"restartPolicy":"Always","nodeSelec)json"
      R"json(tor":{"disk":"ssd"},"tolerations":[{"key":"k","operator":"Exists"}],"securityContext":{}}}},"s)json"
      R"json(tatus":{"replicas":0,"conditions":[{"type":"Available","status":"False"}]}})json");

  auto cm = obj(kConfigMap);
  auto cm_next = cm;
  sub(cm_next, {"data"})["color"] = "green";
  pin("untracked-configmap-update", tracked(configmap_scope(), &cm, cm_next, "kubectl", "2024-01-02T00:00:00Z"),
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a","note":"x"},")json"
      R"json(uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestamp":"2024-01-)json"
      R"json(01T00:00:00Z"},"data":{"client":"7","color":"green","size":"small","note":"created by kscratch)json"
      R"json(-bench api"},"binaryData":{"b":"AA=="},"immutable":false})json");

  // Entries the client sends are honoured, even for an object never tracked.
  auto sent = cm_next;
  sub(sent, {"metadata"})["managedFields"] = json::parse(
      R"([{"manager":"importer","operation":"Update","apiVersion":"v1","time":"2023-12-31T00:00:00Z",
      "fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:client":{},"f:color":{},"f:size":{}}}}])");
  pin("untracked-sent-entries", tracked(configmap_scope(), &cm, sent, "kubectl", "2024-01-02T00:00:00Z"),
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a","note":"x"},")json"
      R"json(uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestamp":"2024-01-)json"
      R"json(01T00:00:00Z","managedFields":[{"manager":"importer","operation":"Update","apiVersion":"v1","t)json"
      R"json(ime":"2023-12-31T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:client":{})json"
      R"json(,"f:size":{}}}},{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2024-01-02)json"
      R"json(T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:color":{}}}}]},"data":{"client":")json"
      R"json(7","color":"green","size":"small","note":"created by kscratch-bench api"},"binaryData":{"b":"A)json"
      R"json(A=="},"immutable":false})json");
}

TEST_CASE("pinned: creates with entries the client sent", "[fieldmanager]") {
  auto sent = obj(kConfigMap);
  sub(sent, {"metadata"})["managedFields"] = json::parse(
      R"([{"manager":"importer","operation":"Update","apiVersion":"v1","time":"2023-12-31T00:00:00Z",
      "fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:client":{},"f:other":{}},"f:metadata":{"f:uid":{}}}},
      {"manager":"applier","operation":"Apply","apiVersion":"v1","time":"2023-12-30T00:00:00Z",
      "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:gone":{}}}}}])");
  pin("create-sent-entries", tracked(configmap_scope(), nullptr, sent, "kscratch-bench", "2024-01-01T00:00:00Z"),
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a","note":"x"},")json"
      R"json(uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestamp":"2024-01-)json"
      R"json(01T00:00:00Z","managedFields":[{"manager":"applier","operation":"Apply","apiVersion":"v1","tim)json"
      R"json(e":"2023-12-30T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:gon)json"
      R"json(e":{}}}}},{"manager":"importer","operation":"Update","apiVersion":"v1","time":"2023-12-31T00:0)json"
      R"json(0:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:other":{}},"f:metadata":{"f:uid":{}}}})json"
      R"json(,{"manager":"kscratch-bench","operation":"Update","apiVersion":"v1","time":"2024-01-01T00:00:0)json"
      R"json(0Z","fieldsType":"FieldsV1","fieldsV1":{"f:binaryData":{".":{},"f:b":{}},"f:data":{".":{},"f:c)json"
      R"json(lient":{},"f:color":{},"f:note":{},"f:size":{}},"f:immutable":{},"f:metadata":{"f:annotations")json"
      R"json(:{".":{},"f:note":{},"f:owner":{}},"f:labels":{".":{},"f:app":{},"f:tier":{}}}}}]},"data":{"cl)json"
      R"json(ient":"7","color":"blue","size":"small","note":"created by kscratch-bench api"},"binaryData":{)json"
      R"json("b":"AA=="},"immutable":false})json");

  // An invalid or empty list is not the client's intent: replaced where it stood.
  auto invalid = obj(kConfigMap);
  sub(invalid, {"metadata"})["managedFields"] = "nonsense";
  sub(invalid, {"metadata"})["zzz"] = "after";
  pin("create-invalid-entries",
      tracked(configmap_scope(), nullptr, invalid, "kscratch-bench", "2024-01-01T00:00:00Z"),
          R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-b)json"
          R"json(ench","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a","note)json"
          R"json(":"x"},"uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestam)json"
          R"json(p":"2024-01-01T00:00:00Z","managedFields":[{"manager":"kscratch-bench","operation":"Update)json"
          R"json(","apiVersion":"v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:b)json"
          R"json(inaryData":{".":{},"f:b":{}},"f:data":{".":{},"f:client":{},"f:color":{},"f:note":{},"f:si)json"
          R"json(ze":{}},"f:immutable":{},"f:metadata":{"f:annotations":{".":{},"f:note":{},"f:owner":{}},")json"
          R"json(f:labels":{".":{},"f:app":{},"f:tier":{}},"f:zzz":{}}}}],"zzz":"after"},"data":{"client":")json"
          R"json(7","color":"blue","size":"small","note":"created by kscratch-bench api"},"binaryData":{"b")json"
          R"json(:"AA=="},"immutable":false})json");
  auto empty = obj(kConfigMap);
  sub(empty, {"metadata"})["managedFields"] = json::array();
  sub(empty, {"metadata"})["zzz"] = "after";
  pin("create-empty-entries", tracked(configmap_scope(), nullptr, empty, "kscratch-bench", "2024-01-01T00:00:00Z"),
      R"json({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-1","namespace":"kscratch-bench)json"
      R"json(","labels":{"app":"kscratch-bench","tier":"web"},"annotations":{"owner":"team-a","note":"x"},")json"
      R"json(uid":"0b7e7a4e-0000-4000-8000-000000000001","resourceVersion":"","creationTimestamp":"2024-01-)json"
      R"json(01T00:00:00Z","managedFields":[{"manager":"kscratch-bench","operation":"Update","apiVersion":")json"
      R"json(v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:binaryData":{".":{},")json"
      R"json(f:b":{}},"f:data":{".":{},"f:client":{},"f:color":{},"f:note":{},"f:size":{}},"f:immutable":{})json"
      R"json(,"f:metadata":{"f:annotations":{".":{},"f:note":{},"f:owner":{}},"f:labels":{".":{},"f:app":{})json"
      R"json(,"f:tier":{}},"f:zzz":{}}}}],"zzz":"after"},"data":{"client":"7","color":"blue","size":"small")json"
      R"json(,"note":"created by kscratch-bench api"},"binaryData":{"b":"AA=="},"immutable":false})json");
}

// What a create owns follows the comparison with Go's empty object in every corner: values
// Go's zero value already has, empty and null values, lists whose items cannot be named,
// kinds without list keys, and creates through /status.
TEST_CASE("pinned: creates of unusual objects", "[fieldmanager]") {
  struct Case {
    const char* name;
    Scope scope;
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"spec-empty", deployment_scope(),
       R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{}})",
       R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{}})json"},
      {"spec-null", deployment_scope(),
       R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":null})",
       R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","managedFields":[{"manager)json"
       R"json(":"m","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":)json"
       R"json("FieldsV1","fieldsV1":{"f:spec":{}}}]},"spec":null})json"},
      {"spec-scalar", deployment_scope(),
       R"({"kind":"Deployment","metadata":{"name":"a","labels":{}},"spec":"x","status":{}})",
       R"json({"kind":"Deployment","metadata":{"name":"a","labels":{},"managedFields":[{"manager":"m","oper)json"
       R"json(ation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1",)json"
       R"json("fieldsV1":{"f:metadata":{"f:labels":{}},"f:spec":{}}}]},"spec":"x","status":{}})json"},
      {"template-array", deployment_scope(), R"({"kind":"Deployment","spec":{"template":[],"strategy":[1]}})",
       R"json({"kind":"Deployment","spec":{"template":[],"strategy":[1]},"metadata":{"managedFields":[{"man)json"
       R"json(ager":"m","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsTy)json"
       R"json(pe":"FieldsV1","fieldsV1":{"f:spec":{"f:strategy":{}}}}]}})json"},
      {"template-empty", deployment_scope(), R"({"kind":"Deployment","spec":{"template":{},"strategy":{}}})",
       R"json({"kind":"Deployment","spec":{"template":{},"strategy":{}}})json"},
      {"containers-empty", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":[]}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"spec":{"containers":[]}}}})json"},
      {"containers-object", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":{}}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"spec":{"containers":{}}}}})json"},
      {"containers-string", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":"c"}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"spec":{"containers":"c"}}},"metadata":{"managedFiel)json"
       R"json(ds":[{"manager":"m","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z")json"
       R"json(,"fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{}}}}}})json"
       R"json(]}})json"},
      {"containers-duplicate", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"a","image":"x"}]}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"a","imag)json"
       R"json(e":"x"}]}}},"metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVersion":"ap)json"
       R"json(ps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:templat)json"
       R"json(e":{"f:spec":{"f:containers":{}}}}}}]}})json"},
      {"containers-unnamed", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"a"},{"image":"x"}]}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"a"},{"image":"x"}]}}})json"
       R"json(,"metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVersion":"apps/v1","tim)json"
       R"json(e":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec)json"
       R"json(":{"f:containers":{}}}}}}]}})json"},
      {"containers-scalar-item", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":[1]}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"spec":{"containers":[1]}}},"metadata":{"managedFiel)json"
       R"json(ds":[{"manager":"m","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z")json"
       R"json(,"fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{}}}}}})json"
       R"json(]}})json"},
      {"container-corners", deployment_scope(),
       R"({"kind":"Deployment","spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"a","resources":null,)"
       R"("ports":[{"name":"p"}],"env":[{"name":"e"},{"name":"e"}],"args":[["x"],{}],"volumeMounts":[]},)"
       R"({"name":"b","resources":[],"ports":[{"containerPort":1,"protocol":null},{"containerPort":{"x":1}}],)"
       R"("env":[{"name":"e","value":null,"valueFrom":{}}]},{"name":"c","resources":{"limits":{}}},{"name":"d",)"
       R"("ports":[{"containerPort":2},{"containerPort":2,"protocol":"TCP"}],"resources":"r"}],)"
       R"("nodeSelector":{},"volumes":[{"name":"v","emptyDir":{}}]}},"selector":{"matchLabels":{}}}})",
       R"json({"kind":"Deployment","spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"a","res)json"
       R"json(ources":null,"ports":[{"name":"p"}],"env":[{"name":"e"},{"name":"e"}],"args":[["x"],{}],"volu)json"
       R"json(meMounts":[]},{"name":"b","resources":[],"ports":[{"containerPort":1,"protocol":null},{"conta)json"
       R"json(inerPort":{"x":1}}],"env":[{"name":"e","value":null,"valueFrom":{}}]},{"name":"c","resources")json"
       R"json(:{"limits":{}}},{"name":"d","ports":[{"containerPort":2},{"containerPort":2,"protocol":"TCP"})json"
       R"json(],"resources":"r"}],"nodeSelector":{},"volumes":[{"name":"v","emptyDir":{}}]}},"selector":{"m)json"
       R"json(atchLabels":{}}},"metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVersion)json"
       R"json(":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:se)json"
       R"json(lector":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{".":{},"f:args":{},")json"
       R"json(f:env":{},"f:name":{},"f:ports":{},"f:resources":{},"f:volumeMounts":{}},"k:{\"name\":\"b\"}")json"
       R"json(:{".":{},"f:env":{".":{},"k:{\"name\":\"e\"}":{".":{},"f:name":{},"f:value":{},"f:valueFrom":)json"
       R"json({}}},"f:name":{},"f:ports":{},"f:resources":{}},"k:{\"name\":\"c\"}":{".":{},"f:name":{},"f:r)json"
       R"json(esources":{".":{},"f:limits":{}}},"k:{\"name\":\"d\"}":{".":{},"f:name":{},"f:ports":{},"f:re)json"
       R"json(sources":{}}},"f:nodeSelector":{},"f:volumes":{".":{},"k:{\"name\":\"v\"}":{".":{},"f:emptyDi)json"
       R"json(r":{},"f:name":{}}}}}}}}]}})json"},
      {"metadata-corners", deployment_scope(),
       R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","namespace":"n","labels":{"x":null},)"
       R"("annotations":null,"finalizers":["f","f"],"ownerReferences":[{"name":"o"}],"generation":3,)"
       R"("resourceVersion":"1","selfLink":"s","deletionTimestamp":null,"clusterName":"c","generateName":"g",)"
       R"("uid":{"a":1},"creationTimestamp":[],"managedFields":[]},"status":{"replicas":1}})",
       R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","namespace":"n","labels":{)json"
       R"json("x":null},"annotations":null,"finalizers":["f","f"],"ownerReferences":[{"name":"o"}],"generat)json"
       R"json(ion":3,"resourceVersion":"1","selfLink":"s","deletionTimestamp":null,"clusterName":"c","gener)json"
       R"json(ateName":"g","uid":{"a":1},"creationTimestamp":[],"managedFields":[{"manager":"m","operation")json"
       R"json(:"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","field)json"
       R"json(sV1":{"f:metadata":{"f:annotations":{},"f:finalizers":{},"f:generateName":{},"f:labels":{".":)json"
       R"json({},"f:x":{}},"f:ownerReferences":{},"f:uid":{"f:a":{}}}}}]},"status":{"replicas":1}})json"},
      {"metadata-empty", deployment_scope(), R"({"kind":"Deployment","metadata":{},"spec":{"replicas":1}})",
       R"json({"kind":"Deployment","metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVer)json"
       R"json(sion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{")json"
       R"json(f:replicas":{}}}}]},"spec":{"replicas":1}})json"},
      {"metadata-string", deployment_scope(), R"({"kind":"Deployment","metadata":"x","spec":{"replicas":1}})",
       R"json({"kind":"Deployment","metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVer)json"
       R"json(sion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{")json"
       R"json(f:replicas":{}}}}]},"spec":{"replicas":1}})json"},
      {"metadata-array", deployment_scope(), R"({"kind":"Deployment","metadata":[{"name":"x"}],"spec":{"replicas":1}})",
       R"json({"kind":"Deployment","metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVer)json"
       R"json(sion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{")json"
       R"json(f:replicas":{}}}}]},"spec":{"replicas":1}})json"},
      {"metadata-null", deployment_scope(), R"({"kind":"Deployment","metadata":null,"spec":{"replicas":1}})",
       R"json({"kind":"Deployment","metadata":{"managedFields":[{"manager":"m","operation":"Update","apiVer)json"
       R"json(sion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{")json"
       R"json(f:replicas":{}}}}]},"spec":{"replicas":1}})json"},
      {"metadata-only-managed", deployment_scope(), R"({"kind":"Deployment","metadata":{"managedFields":[{}]}})",
       R"json({"kind":"Deployment","metadata":{}})json"},
      {"no-metadata", deployment_scope(), R"({"kind":"Deployment","spec":{"paused":true}})",
       R"json({"kind":"Deployment","spec":{"paused":true},"metadata":{"managedFields":[{"manager":"m","o)json"
       R"json(peration":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"Fiel)json"
       R"json(dsV1","fieldsV1":{"f:spec":{"f:paused":{}}}}]}})json"},
      {"nothing-owned", deployment_scope(),
       R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","uid":"u"}})",
       R"json({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","uid":"u"}})json"},
      {"empty", deployment_scope(), R"({})", R"json({})json"},
      {"status-create", deployment_scope("status"),
       R"({"kind":"Deployment","metadata":{"name":"a","labels":{"a":"b"}},"spec":{"replicas":1},)"
       R"("status":{"replicas":1}})",
       R"json({"kind":"Deployment","metadata":{"name":"a","labels":{"a":"b"},"managedFields":[{"manager":"m)json"
       R"json(","operation":"Update","apiVersion":"apps/v1","time":"2024-01-01T00:00:00Z","fieldsType":"Fie)json"
       R"json(ldsV1","fieldsV1":{"f:status":{"f:replicas":{}}},"subresource":"status"}]},"spec":{"replicas")json"
       R"json(:1},"status":{"replicas":1}})json"},
      {"configmap-status", configmap_scope(),
       R"({"kind":"ConfigMap","metadata":{"name":"a"},"data":{},"binaryData":null,"status":{"x":1},"spec":{}})",
       R"json({"kind":"ConfigMap","metadata":{"name":"a","managedFields":[{"manager":"m","operation":"Updat)json"
       R"json(e","apiVersion":"v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:bin)json"
       R"json(aryData":{},"f:data":{},"f:status":{"f:x":{}}}}]},"data":{},"binaryData":null,"status":{"x":1)json"
       R"json(},"spec":{}})json"},
      {"pod-corners", pod_scope(),
       R"({"kind":"Pod","metadata":{"name":"a","finalizers":[],"ownerReferences":[{"uid":"1"},{"uid":1}]},)"
       R"("spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":80}]}],)"
       R"("volumes":[{"name":"v"},{"name":"w","secret":{"items":[]}}],"topologySpreadConstraints":[{"topologyKey":"k",)"
       R"("whenUnsatisfiable":"DoNotSchedule"}],"schedulingGates":[{"name":"g"}],)"
       R"("hostAliases":[{"ip":"1"},{"ip":"1"}]},)"
       R"("status":{"conditions":[{"type":"Ready"}]}})",
       R"json({"kind":"Pod","metadata":{"name":"a","finalizers":[],"ownerReferences":[{"uid":"1"},{"uid":1})json"
       R"json(],"managedFields":[{"manager":"m","operation":"Update","apiVersion":"v1","time":"2024-01-01T0)json"
       R"json(0:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":{},"f:ownerReferen)json"
       R"json(ces":{".":{},"k:{\"uid\":\"1\"}":{".":{},"f:uid":{}},"k:{\"uid\":1}":{".":{},"f:uid":{}}}},"f)json"
       R"json(:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:name":{},"f:ports":{}}},"f:hostAliase)json"
       R"json(s":{},"f:schedulingGates":{".":{},"k:{\"name\":\"g\"}":{".":{},"f:name":{}}},"f:topologySprea)json"
       R"json(dConstraints":{".":{},"k:{\"topologyKey\":\"k\",\"whenUnsatisfiable\":\"DoNotSchedule\"}":{".)json"
       R"json(":{},"f:topologyKey":{},"f:whenUnsatisfiable":{}}},"f:volumes":{".":{},"k:{\"name\":\"v\"}":{)json"
       R"json(".":{},"f:name":{}},"k:{\"name\":\"w\"}":{".":{},"f:name":{},"f:secret":{".":{},"f:items":{}})json"
       R"json(}}}}}]},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"protocol":"TCP"},{"co)json"
       R"json(ntainerPort":80}]}],"volumes":[{"name":"v"},{"name":"w","secret":{"items":[]}}],"topologySpre)json"
       R"json(adConstraints":[{"topologyKey":"k","whenUnsatisfiable":"DoNotSchedule"}],"schedulingGates":[{)json"
       R"json("name":"g"}],"hostAliases":[{"ip":"1"},{"ip":"1"}]},"status":{"conditions":[{"type":"Ready"}])json"
       R"json(}})json"},
      {"schemaless", schemaless_scope(),
       R"({"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t","labels":{"a":"b"},"finalizers":["f"]},)"
       R"("spec":{"list":[1,2],"obj":{"a":{},"b":[]},"containers":[{"name":"x"}]},"status":{"s":1}})",
       R"json({"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t","labels":{"a":"b"},"fina)json"
       R"json(lizers":["f"],"managedFields":[{"manager":"m","operation":"Update","apiVersion":"example.com/)json"
       R"json(v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finali)json"
       R"json(zers":{},"f:labels":{".":{},"f:a":{}}},"f:spec":{"f:containers":{},"f:list":{},"f:obj":{".":{)json"
       R"json(},"f:a":{},"f:b":{}}},"f:status":{"f:s":{}}}}]},"spec":{"list":[1,2],"obj":{"a":{},"b":[]},"c)json"
       R"json(ontainers":[{"name":"x"}]},"status":{"s":1}})json"},
  };
  for (const auto& c : cases) {
    pin(c.name, tracked(c.scope, nullptr, obj(c.text), "m", "2024-01-01T00:00:00Z"), c.expected);
  }
}


// Lists longer than a few items (their names are told apart by sorting), and list item
// names whose keys and values JSON escapes.
TEST_CASE("pinned: long lists and names that need escaping", "[fieldmanager]") {
  const char* long_lists =
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"long","finalizers":["f0","f1","f2","f3","f4")json"
      R"json(,"f5","f6","f7","f8","f9","f10"]},"spec":{"containers":[{"name":"c","env":[{"name":"E0","value":)json"
      R"json("0"},{"name":"E1","value":"1"},{"name":"E2","value":"2"},{"name":"E3","value":"3"},{"name":"E4",)json"
      R"json("value":"4"},{"name":"E5","value":"5"},{"name":"E6","value":"6"},{"name":"E7","value":"7"},{"nam)json"
      R"json(e":"E8","value":"8"},{"name":"E9","value":"9"}]}],"initContainers":[{"name":"i","env":[{"name":")json"
      R"json(D0"},{"name":"D1"},{"name":"D2"},{"name":"D3"},{"name":"D4"},{"name":"D5"},{"name":"D6"},{"name")json"
      R"json(:"D7"},{"name":"D8"},{"name":"D3","value":"again"}]}],"volumes":[{"name":"v11","emptyDir":{}},{")json"
      R"json(name":"v10","emptyDir":{}},{"name":"v09","emptyDir":{}},{"name":"v08","emptyDir":{}},{"name":"v0)json"
      R"json(7","emptyDir":{}},{"name":"v06","emptyDir":{}},{"name":"v05","emptyDir":{}},{"name":"v04","empty)json"
      R"json(Dir":{}},{"name":"v03","emptyDir":{}},{"name":"v02","emptyDir":{}},{"name":"v01","emptyDir":{}},)json"
      R"json({"name":"v00","emptyDir":{}}]}})json";
  pin("long-lists", tracked(pod_scope(), nullptr, obj(long_lists), "m", "2024-01-01T00:00:00Z"),
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"long","finalizers":["f0","f1","f2","f3","f4")json"
      R"json(,"f5","f6","f7","f8","f9","f10"],"managedFields":[{"manager":"m","operation":"Update","apiVersio)json"
      R"json(n":"v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:final)json"
      R"json(izers":{".":{},"v:\"f0\"":{},"v:\"f1\"":{},"v:\"f10\"":{},"v:\"f2\"":{},"v:\"f3\"":{},"v:\"f4\"")json"
      R"json(:{},"v:\"f5\"":{},"v:\"f6\"":{},"v:\"f7\"":{},"v:\"f8\"":{},"v:\"f9\"":{}}},"f:spec":{"f:contain)json"
      R"json(ers":{"k:{\"name\":\"c\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"E0\"}":{".":{},"f:name":{},"f:)json"
      R"json(value":{}},"k:{\"name\":\"E1\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"E2\"}":{".":{})json"
      R"json(,"f:name":{},"f:value":{}},"k:{\"name\":\"E3\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":)json"
      R"json(\"E4\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"E5\"}":{".":{},"f:name":{},"f:value":{)json"
      R"json(}},"k:{\"name\":\"E6\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"E7\"}":{".":{},"f:name)json"
      R"json(":{},"f:value":{}},"k:{\"name\":\"E8\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"E9\"}")json"
      R"json(:{".":{},"f:name":{},"f:value":{}}},"f:name":{}}},"f:initContainers":{".":{},"k:{\"name\":\"i\"})json"
      R"json(":{".":{},"f:env":{},"f:name":{}}},"f:volumes":{".":{},"k:{\"name\":\"v00\"}":{".":{},"f:emptyDi)json"
      R"json(r":{},"f:name":{}},"k:{\"name\":\"v01\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v0)json"
      R"json(2\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v03\"}":{".":{},"f:emptyDir":{},"f:nam)json"
      R"json(e":{}},"k:{\"name\":\"v04\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v05\"}":{".":{)json"
      R"json(},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v06\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\)json"
      R"json("name\":\"v07\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v08\"}":{".":{},"f:emptyDi)json"
      R"json(r":{},"f:name":{}},"k:{\"name\":\"v09\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v1)json"
      R"json(0\"}":{".":{},"f:emptyDir":{},"f:name":{}},"k:{\"name\":\"v11\"}":{".":{},"f:emptyDir":{},"f:nam)json"
      R"json(e":{}}}}}}]},"spec":{"containers":[{"name":"c","env":[{"name":"E0","value":"0"},{"name":"E1","va)json"
      R"json(lue":"1"},{"name":"E2","value":"2"},{"name":"E3","value":"3"},{"name":"E4","value":"4"},{"name":)json"
      R"json("E5","value":"5"},{"name":"E6","value":"6"},{"name":"E7","value":"7"},{"name":"E8","value":"8"},)json"
      R"json({"name":"E9","value":"9"}]}],"initContainers":[{"name":"i","env":[{"name":"D0"},{"name":"D1"},{")json"
      R"json(name":"D2"},{"name":"D3"},{"name":"D4"},{"name":"D5"},{"name":"D6"},{"name":"D7"},{"name":"D8"},)json"
      R"json({"name":"D3","value":"again"}]}],"volumes":[{"name":"v11","emptyDir":{}},{"name":"v10","emptyDir)json"
      R"json(":{}},{"name":"v09","emptyDir":{}},{"name":"v08","emptyDir":{}},{"name":"v07","emptyDir":{}},{"n)json"
      R"json(ame":"v06","emptyDir":{}},{"name":"v05","emptyDir":{}},{"name":"v04","emptyDir":{}},{"name":"v03)json"
      R"json(","emptyDir":{}},{"name":"v02","emptyDir":{}},{"name":"v01","emptyDir":{}},{"name":"v00","emptyD)json"
      R"json(ir":{}}]}})json");
  const char* escaped_names =
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"esc","finalizers":["a\"b","c\\d","é/ü","\u)json"
      R"json(0001\t\n",1,1.5,true,null,"日本"],"ownerReferences":[{"uid":"ü-\"1\""},{"uid":"\u001f"}]},"sp)json"
      R"json(ec":{"containers":[{"name":"q\"uote","ports":[{"containerPort":80.5},{"containerPort":1,"protoco)json"
      R"json(l":true},{"containerPort":-3,"protocol":"é"}]},{"name":"back\\slash\ttab"},{"name":"ünï/côd)json"
      R"json(é","env":[{"name":"\u0000nul"},{"name":""}]},{"name":"12345678901234567890123456789"}]}})json";
  pin("escaped-names", tracked(pod_scope(), nullptr, obj(escaped_names), "m", "2024-01-01T00:00:00Z"),
      R"json({"apiVersion":"v1","kind":"Pod","metadata":{"name":"esc","finalizers":["a\"b","c\\d","é/ü","\u)json"
      R"json(0001\t\n",1,1.5E0,true,null,"日本"],"ownerReferences":[{"uid":"ü-\"1\""},{"uid":"\u001f"}],"m)json"
      R"json(anagedFields":[{"manager":"m","operation":"Update","apiVersion":"v1","time":"2024-01-01T00:00:00)json"
      R"json(Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":{".":{},"v:\"\\u0001\\t\\n\")json"
      R"json(":{},"v:\"a\\\"b\"":{},"v:\"c\\\\d\"":{},"v:\"é/ü\"":{},"v:\"日本\"":{},"v:1":{},"v:1.5E0":{)json"
      R"json(},"v:null":{},"v:true":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"\\u001f\"}":{".":{},"f:uid")json"
      R"json(:{}},"k:{\"uid\":\"ü-\\\"1\\\"\"}":{".":{},"f:uid":{}}}},"f:spec":{"f:containers":{"k:{\"name\")json"
      R"json(:\"12345678901234567890123456789\"}":{".":{},"f:name":{}},"k:{\"name\":\"back\\\\slash\\ttab\"}")json"
      R"json(:{".":{},"f:name":{}},"k:{\"name\":\"q\\\"uote\"}":{".":{},"f:name":{},"f:ports":{".":{},"k:{\"c)json"
      R"json(ontainerPort\":-3,\"protocol\":\"é\"}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"cont)json"
      R"json(ainerPort\":1,\"protocol\":true}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"containerP)json"
      R"json(ort\":8.05E1,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}},"k:{\"name\":\"ünï/côdé\)json"
      R"json("}":{".":{},"f:env":{".":{},"k:{\"name\":\"\\u0000nul\"}":{".":{},"f:name":{}},"k:{\"name\":\"\)json"
      R"json("}":{".":{},"f:name":{}}},"f:name":{}}}}}}]},"spec":{"containers":[{"name":"q\"uote","ports":[{")json"
      R"json(containerPort":8.05E1},{"containerPort":1,"protocol":true},{"containerPort":-3,"protocol":"é"}])json"
      R"json(},{"name":"back\\slash\ttab"},{"name":"ünï/côdé","env":[{"name":"\u0000nul"},{"name":""}]},)json"
      R"json({"name":"12345678901234567890123456789"}]}})json");
}
