// ReplicaSets: defaults and the selector/template checks they share with Deployments.

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
using namespace kinds_test;
namespace json = boost::json;

namespace {

json::object replicaset() {
  json::object rs = obj(R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d4f","namespace":"default"},
    "spec":{"selector":{"matchLabels":{"app":"web","pod-template-hash":"5d4f"}},
            "template":{"metadata":{"labels":{"app":"web","pod-template-hash":"5d4f"}},
                        "spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}})");
  set_defaults_replicaset(rs);
  return rs;
}

}  // namespace

TEST_CASE("replica sets default to one replica and a defaulted template") {
  json::object rs = replicaset();
  CHECK(rs["spec"].as_object()["replicas"] == 1);
  json::object& pod_spec = rs["spec"].as_object()["template"].as_object()["spec"].as_object();
  CHECK(pod_spec["restartPolicy"] == "Always");
  CHECK(pod_spec["containers"].as_array()[0].as_object()["imagePullPolicy"] == "Always");
  CHECK(!pod_spec.contains("enableServiceLinks"));  // A Pod-only default.
  CHECK(validate_replicaset(rs, nullptr).empty());
}

TEST_CASE("replica set selectors must match and stay the same") {
  json::object rs = replicaset();
  rs["spec"].as_object()["template"].as_object()["metadata"].as_object().erase("labels");
  rs["spec"].as_object()["minReadySeconds"] = -5;
  FieldErrors errs = validate_replicaset(rs, nullptr);
  CHECK(contains(errs, "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`"));
  CHECK(contains(errs, "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0"));

  json::object old = replicaset();
  json::object now = old;
  now["spec"].as_object()["selector"] = json::parse(R"({"matchLabels":{"app":"web"}})");
  CHECK(has_field(validate_replicaset(now, &old), "spec.selector", FieldErrorType::invalid));
  json::object active = old;
  active["spec"].as_object()["template"].as_object()["spec"].as_object()["activeDeadlineSeconds"] = 10;
  CHECK(contains(validate_replicaset(active, nullptr),
                 "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"));
}

TEST_CASE("replica set status counts") {
  json::object old = replicaset();
  json::object now = old;
  now["status"] = json::parse(R"({"replicas":1,"fullyLabeledReplicas":2,"readyReplicas":1,"availableReplicas":1})");
  CHECK(texts(validate_replicaset_status_update(now, old)) ==
        std::vector<std::string>{"status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas"});
}
