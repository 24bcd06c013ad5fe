// RFC 7386 JSON merge patch (the RFC's Appendix A table) and kubectl apply's three-way JSON
// merge patch for kinds without a strategic schema (jsonmergepatch.CreateThreeWayJSONMergePatch).

#include "test_support.h"

using namespace kscratch::apimachinery;
using patch_test::J;

TEST_CASE("RFC 7386 appendix A examples", "[patch][merge-patch]") {
  struct Case {
    const char* original;
    const char* patch;
    const char* result;
  };
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const Case& c : cases) {
    INFO(c.original << " + " << c.patch);
    CHECK_JSON(apply_merge_patch(J(c.original), J(c.patch)), J(c.result));
  }
}

TEST_CASE("merge patch on Kubernetes objects", "[patch][merge-patch]") {
  auto doc = J(R"({"metadata":{"name":"a","labels":{"app":"web","tier":"fe"}},
                   "spec":{"containers":[{"name":"c","image":"x"}],"replicas":1}})");
  SECTION("labels merge, lists replace whole") {
    CHECK_JSON(apply_merge_patch(doc, J(R"({"metadata":{"labels":{"tier":null,"env":"prod"}},
                                           "spec":{"containers":[{"name":"d"}]}})")),
               J(R"({"metadata":{"name":"a","labels":{"app":"web","env":"prod"}},
                    "spec":{"containers":[{"name":"d"}],"replicas":1}})"));
  }
  SECTION("the input is not modified") {
    auto copy = doc;
    (void)apply_merge_patch(doc, J(R"({"spec":null})"));
    CHECK(doc == copy);
  }
}

TEST_CASE("merge patch handles arbitrarily deep input without recursion", "[patch][merge-patch]") {
  // Deep enough to overflow a recursive implementation's stack frames under sanitizers,
  // shallow enough for boost::json's own recursive destructor.
  constexpr int kDepth = 5000;
  boost::json::value patch = boost::json::object{{"leaf", 1}};
  for (int i = 0; i < kDepth; ++i) patch = boost::json::object{{"n", std::move(patch)}};
  auto result = apply_merge_patch(J("{}"), patch);
  const boost::json::value* v = &result;
  for (int i = 0; i < kDepth; ++i) v = &v->at("n");
  CHECK(v->at("leaf") == 1);
}

TEST_CASE("three-way JSON merge patch as kubectl apply builds it for custom resources", "[patch][merge-patch]") {
  SECTION("deletions come from last-applied, changes from live") {
    auto patch = create_three_way_json_merge_patch(J(R"({"spec":{"a":1,"b":2},"metadata":{"name":"x"}})"),
                                                   J(R"({"spec":{"a":1,"c":3},"metadata":{"name":"x"}})"),
                                                   J(R"({"spec":{"a":5,"b":2,"d":4},"metadata":{"name":"x","uid":"u"},
                                                         "status":{"ok":true}})"));
    CHECK_OK_JSON(patch, J(R"({"spec":{"a":1,"b":null,"c":3}})"));
  }
  SECTION("fields added by others stay") {
    auto patch = create_three_way_json_merge_patch(J(R"({"spec":{"a":1}})"), J(R"({"spec":{"a":1}})"),
                                                   J(R"({"spec":{"a":1,"extra":true}})"));
    CHECK_OK_JSON(patch, J("{}"));
  }
  SECTION("lists replace whole, an explicitly empty object is a value") {
    auto patch = create_three_way_json_merge_patch(J(R"({"spec":{"l":[1,2]}})"), J(R"({"spec":{"l":[2],"m":{}}})"),
                                                   J(R"({"spec":{"l":[1,2]}})"));
    CHECK_OK_JSON(patch, J(R"({"spec":{"l":[2],"m":{}}})"));
  }
  SECTION("a missing last-applied configuration deletes nothing") {
    auto patch = create_three_way_json_merge_patch(nullptr, J(R"({"a":1})"), J(R"({"a":2,"b":3})"));
    CHECK_OK_JSON(patch, J(R"({"a":1})"));
  }
  SECTION("documents must be objects") {
    CHECK_ERROR_CONTAINS(create_three_way_json_merge_patch(J("[]"), J("{}"), J("{}")), "Invalid JSON Document");
    CHECK_ERROR_CONTAINS(create_three_way_json_merge_patch(J("{}"), J("1"), J("{}")), "Invalid JSON Document");
  }
}
