// The typed walks: field sets of applied configurations, comparison, merge and removal,
// with a Deployment's list keys.

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "typed.h"

#include "kscratch/apimachinery/patch.h"

using namespace kscratch::apiserver::fieldmanager;
namespace json = boost::json;

namespace {

const Shape& deployment() {
  static const Shape shape(&kscratch::apimachinery::builtin_patch_schema("apps", "Deployment"));
  return shape;
}

json::object obj(const char* text) { return json::parse(text).as_object(); }
std::string v1(const FieldSet& s) { return json::serialize(s.to_fields_v1()); }

}  // namespace

TEST_CASE("an applied configuration's fields: keyed list items, atomic selectors, no '.' for objects", "[fieldmanager]") {
  auto config = obj(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},
    "finalizers":["a"]},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{
    "containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}],
    "command":["sh","-c"]}],"tolerations":[{"key":"k"}]}}}})");
  auto set = fields_of(deployment(), config);
  REQUIRE(set);
  CHECK(v1(*set) ==
        R"({"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:finalizers":{"v:\"a\"":{}},"f:labels":{"f:app":{}},"f:name":{}},)"
        R"("f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},)"
        R"("f:command":{},"f:env":{"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},)"
        R"("f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}},"f:tolerations":{}}}}})");
}

TEST_CASE("an item without its key cannot be applied", "[fieldmanager]") {
  auto config = obj(R"({"spec":{"template":{"spec":{"containers":[{"image":"nginx"}]}}}})");
  auto set = fields_of(deployment(), config);
  REQUIRE_FALSE(set);
  CHECK(set.error().message ==
        ".spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "
        "\"name\" (and doesn't have default value)");
  auto dup = obj(R"({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"a"}]}}}})");
  CHECK_FALSE(fields_of(deployment(), dup));
}

TEST_CASE("compare: added containers carry '.', Go's always-present structs do not", "[fieldmanager]") {
  auto after = obj(R"({"metadata":{"labels":{"app":"web"}},"spec":{"replicas":1,"strategy":{"type":"RollingUpdate",
    "rollingUpdate":{"maxSurge":"25%"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
    {"name":"web","image":"nginx","resources":{}}]}}}})");
  auto diff = compare(deployment(), json::object(), after);
  CHECK(diff.modified.empty());
  CHECK(diff.removed.empty());
  CHECK(v1(diff.added) ==
        R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:strategy":{"f:rollingUpdate":)"
        R"({".":{},"f:maxSurge":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},)"
        R"("f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},"f:resources":{}}}}}}})");

  auto changed = obj(R"({"metadata":{"labels":{"app":"web"}},"spec":{"replicas":3,"strategy":{"type":"RollingUpdate",
    "rollingUpdate":{"maxSurge":"25%"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
    {"name":"web","image":"nginx:2"},{"name":"side","image":"busybox"}]}}}})");
  auto d2 = compare(deployment(), after, changed);
  CHECK(v1(d2.modified) ==
        R"({"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{"f:image":{}}}}}}})");
  CHECK(v1(d2.added) ==
        R"({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"side\"}":{".":{},"f:image":{},"f:name":{}}}}}}})");
  // Go's container always has resources: dropping an empty one changes nothing.
  CHECK(d2.removed.empty());
}

TEST_CASE("merge: objects field by field, keyed lists item by item, atomic lists replaced", "[fieldmanager]") {
  auto live = obj(R"({"metadata":{"labels":{"app":"web","tier":"fe"}},"spec":{"replicas":1,"template":{"spec":{
    "containers":[{"name":"a","image":"1","ports":[{"containerPort":80,"protocol":"TCP","name":"http"}]},
    {"name":"b","image":"1"}],"tolerations":[{"key":"x"},{"key":"y"}]}}}})");
  auto config = obj(R"({"metadata":{"labels":{"app":"other","tier":null}},"spec":{"template":{"spec":{
    "containers":[{"name":"c","image":"3"},{"name":"a","image":"2","ports":[{"containerPort":80}]}],
    "tolerations":[{"key":"z"}]}}}})");
  auto merged = merge(deployment(), live, config);
  REQUIRE(merged);
  CHECK(json::serialize(*merged) ==
        R"({"metadata":{"labels":{"app":"other"}},"spec":{"replicas":1,"template":{"spec":{"containers":[)"
        R"({"name":"c","image":"3"},{"name":"a","image":"2","ports":[{"containerPort":80,"protocol":"TCP","name":"http"}]},)"
        R"({"name":"b","image":"1"}],"tolerations":[{"key":"z"}]}}}})");
}

TEST_CASE("remove_fields keeps items that hold fields others own", "[fieldmanager]") {
  auto o = obj(R"({"metadata":{"labels":{"app":"web","gone":"x"}},"spec":{"template":{"spec":{"containers":[
    {"name":"a","image":"1"},{"name":"b","image":"2","args":["x"]}]}}}})");
  FieldSet remove;
  remove.insert({"f:metadata", "f:labels", "f:gone"});
  remove.insert({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"a"})"});
  remove.insert({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"a"})", "f:image"});
  remove.insert({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"b"})"});
  remove.insert({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"b"})", "f:args"});
  FieldSet keep;
  keep.insert({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"b"})", "f:image"});
  remove_fields(deployment(), o, remove, keep);
  CHECK(json::serialize(o) ==
        R"({"metadata":{"labels":{"app":"web"}},"spec":{"template":{"spec":{"containers":[{"name":"b","image":"2"}]}}}})");
}
