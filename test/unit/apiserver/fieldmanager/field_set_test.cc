// Field sets and their FieldsV1 form.

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "field_set.h"

using namespace kscratch::apiserver::fieldmanager;
namespace json = boost::json;

namespace {

FieldSet parse_set(const char* text) { return *FieldSet::from_fields_v1(json::parse(text)); }

}  // namespace

TEST_CASE("FieldsV1 round-trips, with '.' only for members that have children", "[fieldmanager]") {
  const char* text =
      R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":)"
      R"({"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}})";
  auto set = parse_set(text);
  CHECK(set.contains({"f:metadata", "f:labels"}));
  CHECK(set.contains({"f:metadata", "f:labels", "f:app"}));
  CHECK_FALSE(set.contains({"f:metadata"}));
  CHECK(set.contains({"f:spec", "f:template", "f:spec", "f:containers", R"(k:{"name":"web"})", "f:image"}));
  CHECK(json::serialize(set.to_fields_v1()) == text);
}

TEST_CASE("invalid FieldsV1 is refused", "[fieldmanager]") {
  CHECK_FALSE(FieldSet::from_fields_v1(json::parse(R"({"spec":{}})")));
  CHECK_FALSE(FieldSet::from_fields_v1(json::parse(R"({"f:spec":1})")));
  CHECK_FALSE(FieldSet::from_fields_v1(json::parse("[]")));
}

TEST_CASE("union, difference and intersection", "[fieldmanager]") {
  auto a = parse_set(R"({"f:spec":{"f:replicas":{},"f:paused":{}}})");
  auto b = parse_set(R"({"f:spec":{"f:replicas":{},"f:minReadySeconds":{}}})");
  CHECK(json::serialize(a.unite(b).to_fields_v1()) ==
        R"({"f:spec":{"f:minReadySeconds":{},"f:paused":{},"f:replicas":{}}})");
  CHECK(json::serialize(a.subtract(b).to_fields_v1()) == R"({"f:spec":{"f:paused":{}}})");
  CHECK(json::serialize(a.intersect(b).to_fields_v1()) == R"({"f:spec":{"f:replicas":{}}})");
  CHECK(a.subtract(a).empty());

  // Difference is not recursive: removing a member keeps what is below it.
  auto labels = parse_set(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}}})");
  auto only_member = parse_set(R"({"f:metadata":{"f:labels":{}}})");
  CHECK(json::serialize(labels.subtract(only_member).to_fields_v1()) == R"({"f:metadata":{"f:labels":{"f:app":{}}}})");
  labels.erase_subtree({"f:metadata", "f:labels"});
  CHECK(labels.empty());
}

TEST_CASE("paths print as upstream's fieldpath.Path", "[fieldmanager]") {
  CHECK(path_string({"f:spec", "f:replicas"}) == ".spec.replicas");
  CHECK(path_string({"f:spec", "f:containers", R"(k:{"name":"web"})", "f:image"}) == R"(.spec.containers[name="web"].image)");
  CHECK(path_string({"f:ports", R"(k:{"containerPort":80,"protocol":"TCP"})"}) == R"(.ports[containerPort=80,protocol="TCP"])");
  CHECK(path_string({"f:metadata", "f:finalizers", R"(v:"x")"}) == R"(.metadata.finalizers[="x"])");
  CHECK(path_string({"f:args", "i:2"}) == ".args[2]");
}

TEST_CASE("fields sort before keys, values and indices; members iterate before children", "[fieldmanager]") {
  FieldSet s;
  s.insert({"f:b", "f:x"});
  s.insert({"f:a"});
  s.insert({"k:{\"name\":\"a\"}"});
  s.insert({"f:c"});
  auto paths = s.paths();
  REQUIRE(paths.size() == 4);
  CHECK(path_string(paths[0]) == ".a");
  CHECK(path_string(paths[1]) == ".c");
  CHECK(path_string(paths[2]) == "[name=\"a\"]");
  CHECK(path_string(paths[3]) == ".b.x");
}
