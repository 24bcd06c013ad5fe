// Deployments: defaults as upstream shows them and the validation users hit most.

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
using namespace kinds_test;
namespace json = boost::json;

namespace {

constexpr std::string_view kMinimal = R"({"apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"web","namespace":"default"},
  "spec":{"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}})";

json::object defaulted(std::string_view text = kMinimal) {
  json::object d = obj(text);
  set_defaults_deployment(d);
  return d;
}

json::object& spec(json::object& d) { return d["spec"].as_object(); }

}  // namespace

TEST_CASE("a minimal deployment gets upstream's defaults") {
  json::object d = defaulted();
  json::value expected = json::parse(R"({
    "progressDeadlineSeconds":600,"replicas":1,"revisionHistoryLimit":10,
    "selector":{"matchLabels":{"app":"web"}},
    "strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"},
    "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
      "spec":{"containers":[{"image":"nginx:1.27","imagePullPolicy":"IfNotPresent","name":"nginx","resources":{},
        "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
        "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",
        "securityContext":{},"terminationGracePeriodSeconds":30}}})");
  CHECK(json::value(d["spec"]) == expected);
  CHECK(validate_deployment(d, nullptr).empty());
}

TEST_CASE("the selector must match the template labels") {
  json::object d = defaulted();
  spec(d)["template"].as_object()["metadata"].as_object()["labels"] = json::parse(R"({"app":"x"})");
  FieldErrors errs = validate_deployment(d, nullptr);
  REQUIRE(errs.size() == 1);
  CHECK(error_text(errs[0]) ==
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`");
}

TEST_CASE("a missing selector is required and selects nothing") {
  json::object d = defaulted();
  spec(d).erase("selector");
  FieldErrors errs = validate_deployment(d, nullptr);
  CHECK(texts(errs) == std::vector<std::string>{
                           "spec.selector: Required value",
                           "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: "
                           "`selector` does not match template `labels`"});
}

TEST_CASE("an empty selector is invalid") {
  json::object d = defaulted();
  spec(d)["selector"] = json::parse(R"({"matchLabels":{}})");
  CHECK(texts(validate_deployment(d, nullptr)) ==
        std::vector<std::string>{"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
                                 "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"});
}

TEST_CASE("selector expressions are validated") {
  json::object d = defaulted();
  spec(d)["selector"] = json::parse(R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"Near"}]})");
  FieldErrors errs = validate_deployment(d, nullptr);
  CHECK(contains(errs, "spec.selector.matchExpressions[0].operator: Invalid value: \"Near\": not a valid selector operator"));
  CHECK(contains(errs, "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, "
                       "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", "
                       "Operator:\"Near\", Values:[]string(nil)}}}: invalid label selector"));
}

TEST_CASE("replicas, strategy and template restart policy") {
  json::object d = defaulted();
  spec(d)["replicas"] = -1;
  spec(d)["template"].as_object()["spec"].as_object()["restartPolicy"] = "Never";
  spec(d)["progressDeadlineSeconds"] = 0;
  FieldErrors errs = validate_deployment(d, nullptr);
  CHECK(contains(errs, "spec.replicas: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(contains(errs, "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""));
  CHECK(contains(errs, "spec.progressDeadlineSeconds: Invalid value: 0: must be greater than minReadySeconds"));

  json::object blue = obj(kMinimal);
  spec(blue)["strategy"] = json::parse(R"({"type":"BlueGreen"})");
  set_defaults_deployment(blue);
  CHECK(contains(validate_deployment(blue, nullptr),
                 "spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", "
                 "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\""));

  json::object recreate = obj(kMinimal);
  spec(recreate)["strategy"] = json::parse(R"({"type":"Recreate"})");
  set_defaults_deployment(recreate);
  CHECK(validate_deployment(recreate, nullptr).empty());
  CHECK(!spec(recreate)["strategy"].as_object().contains("rollingUpdate"));
}

TEST_CASE("rolling update percentages") {
  json::object d = defaulted();
  json::object& rolling = spec(d)["strategy"].as_object()["rollingUpdate"].as_object();
  rolling["maxUnavailable"] = "50x";
  FieldErrors errs = validate_deployment(d, nullptr);
  CHECK(contains(errs, "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, "
                       "StrVal:\"50x\"}: a valid percent string must be a numeric string followed by an ending '%' "
                       "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
  rolling["maxUnavailable"] = 0;
  rolling["maxSurge"] = "0%";
  CHECK(contains(validate_deployment(d, nullptr),
                 "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, "
                 "StrVal:\"\"}: may not be 0 when `maxSurge` is 0"));
  rolling["maxUnavailable"] = "150%";
  rolling["maxSurge"] = 1;
  CHECK(contains(validate_deployment(d, nullptr),
                 "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, "
                 "StrVal:\"150%\"}: must not be greater than 100%"));
}

TEST_CASE("the selector is immutable on update") {
  json::object old = defaulted();
  old["metadata"].as_object()["resourceVersion"] = "3";
  json::object now = old;
  spec(now)["replicas"] = 5;
  CHECK(validate_deployment(now, &old).empty());
  spec(now)["selector"] = json::parse(R"({"matchLabels":{"app":"y"}})");
  spec(now)["template"].as_object()["metadata"].as_object()["labels"] = json::parse(R"({"app":"y"})");
  CHECK(texts(validate_deployment(now, &old)) ==
        std::vector<std::string>{"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"y\"}, "
                                 "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"});
  // An empty expression list is the same selector as none.
  json::object same = old;
  spec(same)["selector"].as_object()["matchExpressions"] = json::array();
  CHECK(validate_deployment(same, &old).empty());
}

TEST_CASE("deployment status updates keep counts consistent") {
  json::object old = defaulted();
  old["status"] = json::parse(R"({"replicas":2,"readyReplicas":2,"availableReplicas":2,"collisionCount":1})");
  json::object now = old;
  CHECK(validate_deployment_status_update(now, old).empty());
  now["status"] = json::parse(R"({"replicas":1,"readyReplicas":2,"availableReplicas":3,"updatedReplicas":-1})");
  FieldErrors errs = validate_deployment_status_update(now, old);
  CHECK(contains(errs, "status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(contains(errs, "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas"));
  CHECK(contains(errs, "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas"));
  CHECK(contains(errs, "status.collisionCount: Invalid value: 0: cannot be decremented"));
}

TEST_CASE("wrongly typed deployment fields give errors, never exceptions") {
  json::object d = defaulted();
  spec(d)["replicas"] = "three";
  CHECK(contains(validate_deployment(d, nullptr), "spec.replicas: Invalid value: \"three\": must be of type integer"));
  for (const char* text : {R"({"metadata":{"name":"a","namespace":"b"},"spec":[]})",
                           R"({"metadata":{"name":"a","namespace":"b"},"spec":{"selector":"app=web"}})",
                           R"({"metadata":{"name":"a","namespace":"b"},"spec":{"template":7,"strategy":"x"}})",
                           R"({"metadata":{"name":"a","namespace":"b"},"spec":{"selector":{"matchLabels":{"a":1}},"template":{"metadata":{"labels":[]}}}})",
                           R"({"metadata":{"name":"a","namespace":"b"},"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":[1]}}}})"}) {
    INFO(text);
    json::object o = obj(text);
    REQUIRE_NOTHROW(set_defaults_deployment(o));
    FieldErrors errs;
    REQUIRE_NOTHROW(errs = validate_deployment(o, nullptr));
    CHECK(std::any_of(errs.begin(), errs.end(), [](const FieldError& e) { return e.type == FieldErrorType::type_invalid; }));
    REQUIRE_NOTHROW(validate_deployment(o, &o));
    REQUIRE_NOTHROW(validate_deployment_status_update(o, o));
  }
}
