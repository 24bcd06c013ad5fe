// ObjectMeta validation through the kinds' validate functions.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/validation.h"
#include "test_support.h"

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::kinds;
using namespace kinds_test;
namespace v = kscratch::apimachinery::validation;

namespace {

boost::json::object config_map(std::string_view metadata) {
  return obj(std::string(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":)") + std::string(metadata) + "}");
}

}  // namespace

TEST_CASE("object names follow each kind's rule") {
  FieldErrors errs = validate_configmap(config_map(R"({"name":"Bad_Name","namespace":"default"})"), nullptr);
  REQUIRE(errs.size() == 1);
  CHECK(error_text(errs[0]) ==
        "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case "
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  CHECK(validate_configmap(config_map(R"({"name":"a.b-c","namespace":"default"})"), nullptr).empty());

  errs = validate_namespace(obj(R"({"metadata":{"name":"a.b"}})"), nullptr);
  CHECK(contains(errs, "metadata.name: Invalid value: \"a.b\": must not contain dots"));

  errs = validate_service(obj(R"({"metadata":{"name":"1svc","namespace":"default"},"spec":{"type":"ClusterIP",
      "sessionAffinity":"None","internalTrafficPolicy":"Cluster","ports":[{"port":80,"protocol":"TCP","targetPort":80}]}})"),
                          nullptr);
  REQUIRE(errs.size() == 1);
  CHECK(error_text(errs[0]) == "metadata.name: Invalid value: \"1svc\": " + v::is_dns1035_label("1svc")[0]);
}

TEST_CASE("name or generateName is required, and generateName may end in a dash") {
  FieldErrors errs = validate_configmap(config_map(R"({"namespace":"default"})"), nullptr);
  CHECK(contains(errs, "metadata.name: Required value: name or generateName is required"));
  // The generic handler generates the name before validation; generateName itself is checked too.
  CHECK(validate_configmap(config_map(R"({"generateName":"web-","name":"web-x7k2p","namespace":"default"})"), nullptr)
            .empty());
  errs = validate_configmap(config_map(R"({"generateName":"Web-","name":"web-x7k2p","namespace":"default"})"), nullptr);
  CHECK(has_field(errs, "metadata.generateName", FieldErrorType::invalid));
}

TEST_CASE("namespaced kinds need a namespace and cluster kinds may not have one") {
  CHECK(contains(validate_configmap(config_map(R"({"name":"a"})"), nullptr), "metadata.namespace: Required value"));
  CHECK(contains(validate_namespace(obj(R"({"metadata":{"name":"a","namespace":"b"}})"), nullptr),
                 "metadata.namespace: Forbidden: not allowed on this type"));
  CHECK(contains(validate_configmap(config_map(R"({"name":"a","namespace":"Bad"})"), nullptr),
                 "metadata.namespace: Invalid value: \"Bad\": " + v::is_dns1123_label("Bad")[0]));
}

TEST_CASE("labels and annotations are checked with upstream's messages") {
  FieldErrors errs = validate_configmap(
      config_map(R"({"name":"a","namespace":"default","labels":{"app":"bad value","ok/key":"v","-bad":"x"}})"), nullptr);
  CHECK(contains(errs, "metadata.labels: Invalid value: \"bad value\": " + v::is_valid_label_value("bad value")[0]));
  CHECK(contains(errs, "metadata.labels: Invalid value: \"-bad\": " + v::is_qualified_name("-bad")[0]));
  CHECK(errs.size() == 2);

  // Annotation keys are case-insensitive qualified names.
  CHECK(validate_configmap(config_map(R"({"name":"a","namespace":"default","annotations":{"Example.COM/Key":"v"}})"),
                           nullptr)
            .empty());
  errs = validate_configmap(config_map(R"({"name":"a","namespace":"default","annotations":{"a b":"v"}})"), nullptr);
  CHECK(has_field(errs, "metadata.annotations", FieldErrorType::invalid));

  boost::json::object big = config_map(R"({"name":"a","namespace":"default"})");
  big["metadata"].as_object()["annotations"] = boost::json::object{{"k", std::string(256 * 1024, 'x')}};
  CHECK(contains(validate_configmap(big, nullptr), "metadata.annotations: Too long: must have at most 262144 bytes"));
}

TEST_CASE("finalizers must be qualified names, and plain names must be standard ones") {
  FieldErrors errs = validate_configmap(
      config_map(R"({"name":"a","namespace":"default","finalizers":["example.com/cleanup","custom","orphan"]})"), nullptr);
  REQUIRE(errs.size() == 1);
  CHECK(error_text(errs[0]) ==
        "metadata.finalizers[1]: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified");
  // Leases use the apimachinery rules, which do not know the core finalizer names.
  CHECK(validate_lease(obj(R"({"metadata":{"name":"a","namespace":"default","finalizers":["custom"]}})"), nullptr).empty());
}

TEST_CASE("owner references need apiVersion, kind, name and uid") {
  FieldErrors errs = validate_configmap(
      config_map(R"({"name":"a","namespace":"default","ownerReferences":[{"apiVersion":"","kind":"Deployment","name":"d"}]})"),
      nullptr);
  CHECK(contains(errs, "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty"));
  CHECK(contains(errs, "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty"));
}

TEST_CASE("metadata updates keep name, namespace, uid and creationTimestamp") {
  boost::json::object old = config_map(
      R"({"name":"a","namespace":"default","uid":"u1","resourceVersion":"5","creationTimestamp":"2024-05-01T10:00:00Z"})");
  boost::json::object renamed = config_map(
      R"({"name":"b","namespace":"default","uid":"u2","resourceVersion":"5","creationTimestamp":"2024-06-01T10:00:00Z"})");
  FieldErrors errs = validate_configmap(renamed, &old);
  CHECK(contains(errs, "metadata.name: Invalid value: \"b\": field is immutable"));
  CHECK(contains(errs, "metadata.uid: Invalid value: \"u2\": field is immutable"));
  CHECK(contains(errs, "metadata.creationTimestamp: Invalid value: 2024-06-01 10:00:00 +0000 UTC: field is immutable"));
  // What the request omits, the handler fills in from the stored object.
  CHECK(validate_configmap(config_map(R"({"name":"a","namespace":"default","resourceVersion":"5"})"), &old).empty());
}

TEST_CASE("no finalizers may be added while an object is being deleted") {
  boost::json::object old = config_map(
      R"({"name":"a","namespace":"default","deletionTimestamp":"2024-05-01T10:00:00Z","finalizers":["example.com/a"]})");
  boost::json::object now = config_map(
      R"({"name":"a","namespace":"default","finalizers":["example.com/a","example.com/b"]})");
  CHECK(contains(validate_configmap(now, &old),
                 "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
                 "found new finalizers []string{\"example.com/b\"}"));
}

TEST_CASE("wrongly typed metadata is reported, not thrown") {
  for (const char* meta : {R"([])", R"({"name":5,"namespace":"d"})", R"({"name":"a","namespace":"d","labels":[1]})",
                           R"({"name":"a","namespace":"d","labels":{"a":1}})", R"({"name":"a","namespace":"d","finalizers":"x"})",
                           R"({"name":"a","namespace":"d","ownerReferences":[5]})", R"({"name":"a","namespace":"d","generation":"1"})"}) {
    FieldErrors errs = validate_configmap(config_map(meta), nullptr);
    INFO(meta);
    CHECK(std::any_of(errs.begin(), errs.end(), [](const FieldError& e) { return e.type == FieldErrorType::type_invalid; }));
  }
  FieldErrors errs = validate_configmap(config_map(R"({"name":"a","namespace":"d","labels":{"a":1}})"), nullptr);
  CHECK(contains(errs, "metadata.labels[a]: Invalid value: 1: must be of type string"));
}
