// Pods: defaults as `kubectl get pod -o yaml` shows them upstream, and validation messages.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/validation.h"
#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
using namespace kinds_test;
namespace json = boost::json;
namespace v = kscratch::apimachinery::validation;

namespace {

json::object pod_with_spec(std::string_view spec) {
  json::object pod = obj(std::string(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":)") +
                         std::string(spec) + "}");
  set_defaults_pod(pod);
  return pod;
}

FieldErrors errors_for(std::string_view spec) { return validate_pod(pod_with_spec(spec), nullptr); }

}  // namespace

TEST_CASE("a minimal pod gets upstream's defaults") {
  json::object pod = obj(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},
      "spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}]}]}})");
  set_defaults_pod(pod);
  json::value expected = json::parse(R"({
    "containers":[{"name":"nginx","image":"nginx","imagePullPolicy":"Always",
      "ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},
      "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
    "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always",
    "schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30,
    "serviceAccountName":"default","serviceAccount":"default","priority":0,
    "tolerations":[
      {"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
      {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]})");
  CHECK(json::value(pod["spec"]) == expected);
  CHECK(validate_pod(pod, nullptr).empty());
}

TEST_CASE("image pull policy defaults from the image tag") {
  auto policy = [](std::string_view image) {
    json::object pod = pod_with_spec(std::string(R"({"containers":[{"name":"c","image":")") + std::string(image) + "\"}]}");
    return std::string(pod["spec"].as_object()["containers"].as_array()[0].as_object()["imagePullPolicy"].as_string());
  };
  CHECK(policy("nginx") == "Always");
  CHECK(policy("nginx:latest") == "Always");
  CHECK(policy("nginx:1.27") == "IfNotPresent");
  CHECK(policy("localhost:5000/app") == "Always");
  CHECK(policy("registry.example.com:5000/app:v2") == "IfNotPresent");
  CHECK(policy("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") == "IfNotPresent");
}

TEST_CASE("pod defaults fill probes, volumes, requests from limits and canonical quantities") {
  json::object pod = pod_with_spec(R"({"containers":[{"name":"c","image":"i:1",
      "resources":{"limits":{"cpu":"0.5","memory":"1Gi"}},
      "livenessProbe":{"httpGet":{"port":8080}},
      "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}],
      "volumes":[{"name":"cfg","configMap":{"name":"cm"}},{"name":"scratch"},{"name":"s","secret":{"secretName":"x"}}]})");
  json::object& c = pod["spec"].as_object()["containers"].as_array()[0].as_object();
  CHECK(json::value(c["resources"]) == json::parse(R"({"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}})"));
  CHECK(json::value(c["livenessProbe"]) == json::parse(R"({"httpGet":{"port":8080,"path":"/","scheme":"HTTP"},
      "timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3})"));
  CHECK(c["env"].as_array()[0].as_object()["valueFrom"].as_object()["fieldRef"].as_object()["apiVersion"] == "v1");
  json::array& vols = pod["spec"].as_object()["volumes"].as_array();
  CHECK(vols[0].as_object()["configMap"].as_object()["defaultMode"] == 420);
  CHECK(json::value(vols[1].as_object()["emptyDir"]) == json::object());
  CHECK(vols[2].as_object()["secret"].as_object()["defaultMode"] == 420);
  CHECK(validate_pod(pod, nullptr).empty());
}

TEST_CASE("numeric quantities from YAML are canonicalised like strings") {
  json::object pod = pod_with_spec(R"({"containers":[{"name":"c","image":"i","resources":{"requests":{"cpu":0.5,"memory":1073741824}}}]})");
  json::object& requests =
      pod["spec"].as_object()["containers"].as_array()[0].as_object()["resources"].as_object()["requests"].as_object();
  CHECK(requests["cpu"] == "500m");
  CHECK(requests["memory"] == "1073741824");
  CHECK(validate_pod(pod, nullptr).empty());
}

TEST_CASE("host networking makes container ports host ports") {
  json::object pod = pod_with_spec(R"({"hostNetwork":true,"containers":[{"name":"c","image":"i","ports":[{"containerPort":53}]}]})");
  CHECK(pod["spec"].as_object()["containers"].as_array()[0].as_object()["ports"].as_array()[0].as_object()["hostPort"] == 53);
  CHECK(validate_pod(pod, nullptr).empty());
}

TEST_CASE("containers are required and must be named and have an image") {
  CHECK(texts(errors_for(R"({})")) == std::vector<std::string>{"spec.containers: Required value"});
  FieldErrors errs = errors_for(R"({"containers":[{"name":"My_App","image":"i"},{"image":""},{"name":"x","image":"i"},{"name":"x","image":"i"}]})");
  CHECK(contains(errs, "spec.containers[0].name: Invalid value: \"My_App\": " + v::is_dns1123_label("My_App")[0]));
  CHECK(contains(errs, "spec.containers[1].name: Required value"));
  CHECK(contains(errs, "spec.containers[1].image: Required value"));
  CHECK(contains(errs, "spec.containers[3].name: Duplicate value: \"x\""));
}

TEST_CASE("container ports, protocols and host port conflicts") {
  FieldErrors errs = errors_for(R"({"containers":[{"name":"c","image":"i","ports":[
      {"containerPort":70000},{"containerPort":80,"protocol":"HTTP"},{"name":"http","containerPort":81},
      {"name":"http","containerPort":82},{"containerPort":0},{"containerPort":90,"hostPort":9090},
      {"containerPort":91,"hostPort":9090}]}]})");
  CHECK(contains(errs, "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"));
  CHECK(contains(errs, "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""));
  CHECK(contains(errs, "spec.containers[0].ports[3].name: Duplicate value: \"http\""));
  CHECK(contains(errs, "spec.containers[0].ports[4].containerPort: Required value"));
  CHECK(contains(errs, "spec.containers[0].ports[6].hostPort: Duplicate value: \"TCP//9090\""));
}

TEST_CASE("restart and DNS policies must be supported values") {
  FieldErrors errs = errors_for(R"({"restartPolicy":"Sometimes","dnsPolicy":"Google","containers":[{"name":"c","image":"i"}]})");
  CHECK(contains(errs, "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""));
  CHECK(contains(errs, "spec.dnsPolicy: Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", "
                       "\"ClusterFirst\", \"Default\", \"None\""));
  errs = errors_for(R"({"dnsPolicy":"None","containers":[{"name":"c","image":"i"}]})");
  CHECK(contains(errs, "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"));
}

TEST_CASE("environment variables use v1.32's relaxed names and need one source") {
  FieldErrors errs = errors_for(R"({"containers":[{"name":"c","image":"i","env":[
      {"name":"A=B"},{"name":"1.ok-in-1.32"},{"name":""},{"name":"X","value":"v","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
      {"name":"Y","valueFrom":{}},{"name":"Z","valueFrom":{"fieldRef":{"fieldPath":"spec.containers"}}}]}]})");
  CHECK(contains(errs, "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must "
                       "consist only of printable ASCII characters other than '='"));
  CHECK(contains(errs, "spec.containers[0].env[2].name: Required value"));
  CHECK(contains(errs, "spec.containers[0].env[3].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"));
  CHECK(contains(errs, "spec.containers[0].env[4].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, "
                       "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  CHECK(contains(errs, "spec.containers[0].env[5].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.containers\": "
                       "error converting fieldPath: field label not supported: spec.containers"));
  CHECK(errs.size() == 5);
}

TEST_CASE("resources: names, quantities and requests within limits") {
  FieldErrors errs = errors_for(R"({"containers":[{"name":"c","image":"i","resources":{
      "limits":{"cpu":"1","memory":"abc"},"requests":{"cpu":"2","gpu":"1","example.com/dongle":"1"}}}]})");
  CHECK(contains(errs, "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"));
  CHECK(contains(errs, "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified"));
  CHECK(contains(errs, "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers"));
  CHECK(contains(errs, "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"));
  CHECK(has_field(errs, "spec.containers[0].resources.limits[memory]", FieldErrorType::invalid));
  errs = errors_for(R"({"containers":[{"name":"c","image":"i","resources":{"requests":{"memory":"-1Gi"}}}]})");
  CHECK(contains(errs, "spec.containers[0].resources.requests[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0"));
}

TEST_CASE("volumes must be unique, typed once, and mounted by name") {
  FieldErrors errs = errors_for(R"({"volumes":[{"name":"a","emptyDir":{}},{"name":"a","emptyDir":{}},
      {"name":"b","emptyDir":{},"hostPath":{"path":"/x"}},{"name":"c","configMap":{}}],
      "containers":[{"name":"c","image":"i","volumeMounts":[{"name":"a","mountPath":"/a"},{"name":"data","mountPath":"/a"}]}]})");
  CHECK(contains(errs, "spec.volumes[1].name: Duplicate value: \"a\""));
  CHECK(contains(errs, "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type"));
  CHECK(contains(errs, "spec.volumes[3].configMap.name: Required value"));
  CHECK(contains(errs, "spec.containers[0].volumeMounts[1].name: Not found: \"data\""));
  CHECK(contains(errs, "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/a\": must be unique"));
}

TEST_CASE("probes need one handler and liveness probes one success") {
  FieldErrors errs = errors_for(R"({"containers":[{"name":"c","image":"i",
      "livenessProbe":{"successThreshold":2,"exec":{"command":["true"]}},
      "readinessProbe":{"periodSeconds":-1},
      "startupProbe":{"httpGet":{"port":"web","scheme":"FTP"},"tcpSocket":{"port":80}}}]})");
  CHECK(contains(errs, "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"));
  CHECK(contains(errs, "spec.containers[0].readinessProbe: Required value: must specify a handler type"));
  CHECK(contains(errs, "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(contains(errs, "spec.containers[0].startupProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""));
  CHECK(contains(errs, "spec.containers[0].startupProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"));
}

TEST_CASE("tolerations follow upstream's rules") {
  FieldErrors errs = errors_for(R"({"containers":[{"name":"c","image":"i"}],"tolerations":[
      {"operator":"Equal","value":"x"},{"key":"k","operator":"Exists","value":"v"},{"key":"k","tolerationSeconds":5,"effect":"NoSchedule"}]})");
  CHECK(contains(errs, "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, "
                       "which means \"match all values and all keys\""));
  CHECK(contains(errs, "spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"));
  CHECK(contains(errs, "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"));
}

TEST_CASE("wrongly typed pod fields give errors, never exceptions") {
  for (const char* spec : {R"({"containers":"nginx"})", R"({"containers":[5]})", R"({"containers":[{"name":7,"image":[]}]})",
                           R"({"containers":[{"name":"c","image":"i","ports":{"a":1}}]})",
                           R"({"containers":[{"name":"c","image":"i","ports":[{"containerPort":"80"}]}]})",
                           R"({"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":true}}}]})",
                           R"({"containers":[{"name":"c","image":"i","env":[{"name":"A","valueFrom":"x"}]}]})",
                           R"({"containers":[{"name":"c","image":"i"}],"volumes":{"x":1}})",
                           R"({"containers":[{"name":"c","image":"i"}],"terminationGracePeriodSeconds":"30"})",
                           R"({"containers":[{"name":"c","image":"i","livenessProbe":{"httpGet":{"port":[1]}}}]})",
                           R"("not an object")", R"([])"}) {
    INFO(spec);
    FieldErrors errs;
    REQUIRE_NOTHROW(errs = errors_for(spec));
    CHECK(std::any_of(errs.begin(), errs.end(), [](const FieldError& e) { return e.type == FieldErrorType::type_invalid; }));
  }
  CHECK(contains(errors_for(R"({"containers":[{"name":"c","image":"i","ports":[{"containerPort":"80"}]}]})"),
                 "spec.containers[0].ports[0].containerPort: Invalid value: \"80\": must be of type integer"));
}

TEST_CASE("pod updates may only change images, deadlines and tolerations") {
  json::object old = pod_with_spec(R"({"containers":[{"name":"c","image":"nginx:1.26"}]})");
  old["metadata"].as_object()["resourceVersion"] = "1";
  json::object now = old;
  now["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = "nginx:1.27";
  CHECK(validate_pod(now, &old).empty());
  now["spec"].as_object()["restartPolicy"] = "Never";
  FieldErrors errs = validate_pod(now, &old);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].field == "spec");
  CHECK(errs[0].type == FieldErrorType::forbidden);
  CHECK(errs[0].detail.rfind("pod updates may not change fields other than `spec.containers[*].image`,", 0) == 0);
  json::object grown = old;
  grown["spec"].as_object()["containers"].as_array().push_back(json::parse(R"({"name":"d","image":"i"})"));
  CHECK(contains(validate_pod(grown, &old), "spec.containers: Forbidden: pod updates may not add or remove containers"));
  json::object renamed = old;
  renamed["metadata"].as_object()["name"] = "other";
  CHECK(contains(validate_pod(renamed, &old), "metadata.name: Invalid value: \"other\": field is immutable"));
}

TEST_CASE("pod status updates may not move the pod or change its QoS class") {
  json::object old = pod_with_spec(R"({"nodeName":"n1","containers":[{"name":"c","image":"i"}]})");
  old["status"] = json::parse(R"({"phase":"Running","qosClass":"BestEffort","podIP":"10.42.0.5","podIPs":[{"ip":"10.42.0.5"}]})");
  json::object now = old;
  CHECK(validate_pod_status_update(now, old).empty());
  now["spec"].as_object()["nodeName"] = "n2";
  now["status"].as_object()["qosClass"] = "Burstable";
  now["status"].as_object()["podIPs"] = json::parse(R"([{"ip":"not-an-ip"}])");
  FieldErrors errs = validate_pod_status_update(now, old);
  CHECK(contains(errs, "status.nodeName: Forbidden: may not be changed directly"));
  CHECK(contains(errs, "status.qosClass: Invalid value: \"Burstable\": field is immutable"));
  CHECK(contains(errs, "status.podIPs[0]: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
}

#include "pod_defaults.h"

TEST_CASE("pods get upstream's QoS class at creation") {
  namespace json = boost::json;
  auto with = [](json::object resources) {
    json::object pod{{"spec", json::object{{"containers", json::array{json::object{
                                                              {"name", "c"}, {"resources", std::move(resources)}}}}}}};
    return std::string(kscratch::apiserver::kinds::pod_qos_class(pod));
  };
  CHECK(with({}) == "BestEffort");
  // Requests defaulted from limits: equal for cpu and memory.
  CHECK(with(json::object{{"requests", json::object{{"cpu", "1"}, {"memory", "64Mi"}}},
                          {"limits", json::object{{"cpu", "1000m"}, {"memory", "64Mi"}}}}) == "Guaranteed");
  CHECK(with(json::object{{"requests", json::object{{"cpu", "500m"}, {"memory", "64Mi"}}},
                          {"limits", json::object{{"cpu", "1"}, {"memory", "64Mi"}}}}) == "Burstable");
  CHECK(with(json::object{{"requests", json::object{{"memory", "1Gi"}}}}) == "Burstable");
  CHECK(with(json::object{{"limits", json::object{{"memory", "64Mi"}}}, {"requests", json::object{{"memory", "64Mi"}}}}) ==
        "Burstable");  // no cpu limit
}
