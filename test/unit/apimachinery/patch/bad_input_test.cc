// Bad input to the patch functions yields errors with upstream's texts, never a crash:
// wrong JSON types, malformed directives, and nesting beyond kMaxPatchNestingDepth.

#include "test_support.h"

using namespace kscratch::apimachinery;
using patch_test::J;
using patch_test::merge_item_schema;

namespace {

// {"x":{"x":...}} nested `depth` levels, built without recursion.
boost::json::value nested(int depth) {
  boost::json::value v = boost::json::object();
  for (int i = 1; i < depth; ++i) v = boost::json::object{{"x", std::move(v)}};
  return v;
}

}  // namespace

TEST_CASE("strategic merge patch refuses malformed input", "[patch][strategic][errors]") {
  const PatchSchema& schema = merge_item_schema();
  auto apply = [&](const char* doc, const char* patch) { return apply_strategic_merge_patch(J(doc), J(patch), schema); };

  CHECK_ERROR_CONTAINS(apply("[]", "{}"), "invalid JSON document");
  CHECK_ERROR_CONTAINS(apply("{}", "5"), "invalid JSON document");
  CHECK_ERROR_CONTAINS(apply(R"({"a":1})", R"({"$patch":"explode"})"), "unknown patch type: explode in map");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":[{"name":1}]})", R"({"mergingList":[{"name":1,"$patch":"merge"}]})"),
                       "merging lists cannot yet be specified in the patch");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":[{"name":1}]})", R"({"mergingList":[{"$patch":"delete"}]})"),
                       "does not contain declared merge key: name");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":[{"name":1}]})", R"({"mergingList":["x"]})"),
                       "list element types are not identical");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":[[1]]})", R"({"mergingList":[[2]]})"), "lists of lists are not supported");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingIntList":[null]})", R"({"mergingIntList":[1]})"),
                       "list element types are not identical");
  CHECK_ERROR_CONTAINS(apply(R"({"retainKeysMap":{"name":"a"}})", R"({"retainKeysMap":{"$retainKeys":"name"}})"),
                       "invalid patch format of retainKeys");
  CHECK_ERROR_CONTAINS(apply(R"({"retainKeysMap":{"name":"a"}})",
                             R"({"retainKeysMap":{"$retainKeys":["name"],"value":"v"}})"),
                       "invalid patch format of retainKeys");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":[]})", R"({"$setElementOrder/mergingList":{"name":1}})"),
                       "expected a slice, but received a map");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":5})", R"({"$setElementOrder/mergingList":[{"name":1}]})"),
                       "expected a slice, but received a int64");
  CHECK_ERROR_CONTAINS(apply(R"({})", R"({"$setElementOrderX/mergingList":[1]})"),
                       "invalid patch format of setElementOrder list");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingIntList":[1]})", R"({"$deleteFromPrimitiveListX":[1]})"),
                       "invalid patch format of primitive list");
  CHECK_ERROR_CONTAINS(apply(R"({"mergingList":[{"name":1}]})",
                             R"({"$setElementOrder/mergingList":[{"name":1}],"mergingList":[{"name":2}]})"),
                       "doesn't match $setElementOrder list");
  // A list of objects under the merge strategy but without a merge key cannot be merged.
  PatchSchema keyless("t");
  keyless.add_field("t", "items", {PatchStrategy::kMerge, false, "", ""});
  CHECK_ERROR_CONTAINS(apply_strategic_merge_patch(J(R"({"items":[{"a":1}]})"), J(R"({"items":[{"a":2}]})"), keyless),
                       "cannot merge lists without merge key");
}

TEST_CASE("patch creation refuses malformed input", "[patch][strategic][errors]") {
  const PatchSchema& schema = merge_item_schema();
  CHECK_ERROR_CONTAINS(create_two_way_strategic_merge_patch(J("1"), J("{}"), schema), "invalid JSON document");
  CHECK_ERROR_CONTAINS(create_three_way_strategic_merge_patch(J("{}"), J("{}"), J(R"("x")"), schema),
                       "invalid JSON document");
  CHECK_ERROR_CONTAINS(create_two_way_strategic_merge_patch(J(R"({"mergingList":[{"name":1}]})"),
                                                            J(R"({"mergingList":[{"value":1}]})"), schema),
                       "does not contain declared merge key: name");
  CHECK_ERROR_CONTAINS(create_two_way_strategic_merge_patch(J(R"({"$patch":1})"), J(R"({"$patch":"x"})"), schema),
                       "invalid value for special key: $patch");
  CHECK_ERROR_CONTAINS(create_two_way_strategic_merge_patch(J(R"({"mergingList":[{"name":1}]})"),
                                                            J(R"({"mergingList":[1]})"), schema),
                       "list element types are not identical");
}

TEST_CASE("inputs nested too deep are refused, not recursed into", "[patch][errors][depth]") {
  const PatchSchema& schema = merge_item_schema();
  auto ok_depth = nested(100);
  auto too_deep = nested(101);
  auto very_deep = nested(5000);

  CHECK(apply_strategic_merge_patch(ok_depth, ok_depth, schema).ok());
  for (const auto* deep : {&too_deep, &very_deep}) {
    CHECK_ERROR_CONTAINS(apply_strategic_merge_patch(*deep, J("{}"), schema), "the document is nested deeper than");
    CHECK_ERROR_CONTAINS(apply_strategic_merge_patch(J("{}"), *deep, schema), "the patch is nested deeper than");
    CHECK_ERROR_CONTAINS(create_two_way_strategic_merge_patch(*deep, *deep, schema), "nested deeper than the limit");
    CHECK_ERROR_CONTAINS(create_three_way_strategic_merge_patch(J("{}"), J("{}"), *deep, schema),
                         "the current document is nested deeper than the limit of 100 levels");
    CHECK_ERROR_CONTAINS(create_three_way_json_merge_patch(*deep, J("{}"), J("{}")), "nested deeper than the limit");
    CHECK_ERROR_CONTAINS(apply_json_patch(*deep, J("[]")), "the document is nested deeper than");
    boost::json::array ops;
    ops.push_back(boost::json::object{{"op", "add"}, {"path", "/a"}, {"value", *deep}});
    CHECK_ERROR_CONTAINS(apply_json_patch(J("{}"), ops), "the patch is nested deeper than");
  }
  // Deep lists count as much as deep objects.
  boost::json::value deep_list = boost::json::array();
  for (int i = 0; i < 200; ++i) deep_list = boost::json::array{std::move(deep_list)};
  CHECK_ERROR_CONTAINS(apply_strategic_merge_patch(J("{}"), boost::json::object{{"l", deep_list}}, schema),
                       "nested deeper than");
}

TEST_CASE("PatchSchema lookups", "[patch][schema]") {
  PatchSchema schema("Root");
  schema.add_field("Root", "child", {PatchStrategy::kDefault, false, "", "Node"})
      .add_field("Node", "child", {PatchStrategy::kDefault, false, "", "Node"})
      .add_field("Node", "items", {PatchStrategy::kMerge, false, "id", ""});
  REQUIRE(schema.lookup_path("child.child.child.items") != nullptr);
  CHECK(schema.lookup_path("child.child.child.items")->merge_key == "id");
  CHECK(schema.lookup_path("child.other") == nullptr);
  CHECK(schema.lookup_path("items") == nullptr);
  CHECK(schema.lookup("Node", "items") != nullptr);
  CHECK(schema.lookup("Missing", "items") == nullptr);
  CHECK(PatchSchema().lookup_path("spec") == nullptr);
}
