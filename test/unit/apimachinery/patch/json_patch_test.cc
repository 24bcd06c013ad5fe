// RFC 6902 JSON patch: the RFC's Appendix A examples, evanphx/json-patch v4 behaviours the
// apiserver inherits (negative indices, replace adding a missing member), and its error texts.

#include "test_support.h"

using namespace kscratch::apimachinery;
using patch_test::J;

namespace {
kscratch::Expected<boost::json::value> patch(const std::string& doc, const std::string& ops) {
  return apply_json_patch(J(doc), J(ops));
}
}  // namespace

TEST_CASE("RFC 6902 appendix A examples", "[patch][json-patch]") {
  SECTION("A.1 adding an object member") {
    CHECK_OK_JSON(patch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])"),
                  J(R"({"baz":"qux","foo":"bar"})"));
  }
  SECTION("A.2 adding an array element") {
    CHECK_OK_JSON(patch(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])"),
                  J(R"({"foo":["bar","qux","baz"]})"));
  }
  SECTION("A.3 removing an object member") {
    CHECK_OK_JSON(patch(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])"), J(R"({"foo":"bar"})"));
  }
  SECTION("A.4 removing an array element") {
    CHECK_OK_JSON(patch(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])"),
                  J(R"({"foo":["bar","baz"]})"));
  }
  SECTION("A.5 replacing a value") {
    CHECK_OK_JSON(patch(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])"),
                  J(R"({"baz":"boo","foo":"bar"})"));
  }
  SECTION("A.6 moving a value") {
    CHECK_OK_JSON(patch(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                        R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])"),
                  J(R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"));
  }
  SECTION("A.7 moving an array element") {
    CHECK_OK_JSON(patch(R"({"foo":["all","grass","cows","eat"]})", R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])"),
                  J(R"({"foo":["all","cows","eat","grass"]})"));
  }
  SECTION("A.8 testing a value: success") {
    CHECK_OK_JSON(patch(R"({"baz":"qux","foo":["a",2,"c"]})",
                        R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])"),
                  J(R"({"baz":"qux","foo":["a",2,"c"]})"));
  }
  SECTION("A.9 testing a value: error") {
    auto r = patch(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "testing value /baz failed: test failed");
  }
  SECTION("A.10 adding a nested member object") {
    CHECK_OK_JSON(patch(R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])"),
                  J(R"({"foo":"bar","child":{"grandchild":{}}})"));
  }
  SECTION("A.11 ignoring unrecognized elements") {
    CHECK_OK_JSON(patch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])"),
                  J(R"({"foo":"bar","baz":"qux"})"));
  }
  SECTION("A.12 adding to a nonexistent target") {
    auto r = patch(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == R"(add operation does not apply: doc is missing path: "/baz/bat": missing value)");
  }
  SECTION("A.14 ~ escape ordering") {
    CHECK_OK_JSON(patch(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])"), J(R"({"/":9,"~1":10})"));
  }
  SECTION("A.15 comparing strings and numbers") {
    CHECK_ERROR_CONTAINS(patch(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])"),
                         "testing value /~01 failed");
  }
  SECTION("A.16 adding an array value") {
    CHECK_OK_JSON(patch(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])"),
                  J(R"({"foo":["bar",["abc","def"]]})"));
  }
}

TEST_CASE("JSON patch follows evanphx/json-patch v4 as the apiserver does", "[patch][json-patch]") {
  SECTION("a typical kubectl patch --type=json") {
    CHECK_OK_JSON(patch(R"({"metadata":{"labels":{"app":"web"}},"spec":{"replicas":1}})",
                        R"([{"op":"replace","path":"/spec/replicas","value":3},
                            {"op":"add","path":"/metadata/labels/tier","value":"frontend"},
                            {"op":"remove","path":"/metadata/labels/app"}])"),
                  J(R"({"metadata":{"labels":{"tier":"frontend"}},"spec":{"replicas":3}})"));
  }
  SECTION("keys with / and ~ are escaped in pointers") {
    CHECK_OK_JSON(patch(R"({"metadata":{"annotations":{}}})",
                        R"([{"op":"add","path":"/metadata/annotations/example.com~1owner~0x","value":"me"}])"),
                  J(R"({"metadata":{"annotations":{"example.com/owner~x":"me"}}})"));
  }
  SECTION("negative indices count from the end") {
    CHECK_OK_JSON(patch(R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/-1"}])"), J(R"({"a":[1,2]})"));
    CHECK_OK_JSON(patch(R"({"a":[1,2,3]})", R"([{"op":"replace","path":"/a/-3","value":0}])"), J(R"({"a":[0,2,3]})"));
    CHECK_OK_JSON(patch(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/-1","value":9}])"), J(R"({"a":[1,2,9]})"));
    CHECK_OK_JSON(patch(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/-3","value":9}])"), J(R"({"a":[9,1,2]})"));
  }
  SECTION("replace of a missing member adds it (v4 does not check)") {
    CHECK_OK_JSON(patch(R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])"), J(R"({"a":1,"b":2})"));
  }
  SECTION("test of a missing member against null passes (v4 reads it as null)") {
    CHECK_OK_JSON(patch(R"({"a":1})", R"([{"op":"test","path":"/b","value":null}])"), J(R"({"a":1})"));
    CHECK_ERROR_CONTAINS(patch(R"({"a":1})", R"([{"op":"test","path":"/b","value":1}])"), "testing value /b failed");
  }
  SECTION("test compares numbers by value and objects regardless of key order") {
    CHECK(patch(R"({"a":{"x":1,"y":[1.0,2]}})", R"([{"op":"test","path":"/a","value":{"y":[1,2],"x":1.0}}])").ok());
  }
  SECTION("copy duplicates a subtree") {
    CHECK_OK_JSON(patch(R"({"a":{"b":[1]}})", R"([{"op":"copy","from":"/a","path":"/c"},
                                                 {"op":"add","path":"/c/b/-","value":2}])"),
                  J(R"({"a":{"b":[1]},"c":{"b":[1,2]}})"));
  }
  SECTION("the root can be replaced, added, tested and copied") {
    CHECK_OK_JSON(patch(R"({"a":1})", R"([{"op":"replace","path":"","value":{"b":2}}])"), J(R"({"b":2})"));
    CHECK_OK_JSON(patch(R"({"a":1})", R"([{"op":"add","path":"","value":[1]}])"), J(R"([1])"));
    CHECK_OK_JSON(patch(R"({"a":1})", R"([{"op":"test","path":"","value":{"a":1}}])"), J(R"({"a":1})"));
    CHECK_OK_JSON(patch(R"({"a":1})", R"([{"op":"copy","from":"","path":"/b"}])"), J(R"({"a":1,"b":{"a":1}})"));
  }
  SECTION("operations apply in order and a failure discards all of them") {
    auto r = patch(R"({"a":1})", R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/zzz"}])");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "error in remove for path: '/zzz': Unable to remove nonexistent key: zzz: missing value");
  }
  SECTION("an empty patch returns the document") {
    CHECK_OK_JSON(patch(R"({"a":[1,{"b":null}]})", "[]"), J(R"({"a":[1,{"b":null}]})"));
  }
}

TEST_CASE("JSON patch errors carry upstream's texts", "[patch][json-patch][errors]") {
  struct Case {
    const char* doc;
    const char* ops;
    const char* message;
  };
  const Case cases[] = {
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/5","value":0}])",
       "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced"},
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/x","value":0}])",
       "error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": "
       "invalid syntax"},
      {R"({"a":[1]})", R"([{"op":"remove","path":"/a/1"}])",
       "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced"},
      {R"({"a":[1]})", R"([{"op":"remove","path":"/a/-2"}])",
       "error in remove for path: '/a/-2': Unable to access invalid index: -2: invalid index referenced"},
      {R"({"a":[1]})", R"([{"op":"remove","path":"/a/-"}])",
       "error in remove for path: '/a/-': strconv.Atoi: parsing \"-\": invalid syntax"},
      {R"({"a":[1]})", R"([{"op":"replace","path":"/a/3","value":0}])",
       "replace operation does not apply: doc is missing key: /a/3: missing value"},
      {R"({"a":1})", R"([{"op":"replace","path":"/x/y","value":0}])",
       "replace operation does not apply: doc is missing path: /x/y: missing value"},
      {R"({"a":1})", R"([{"op":"remove","path":"/x/y"}])",
       R"(remove operation does not apply: doc is missing path: "/x/y": missing value)"},
      {R"({"a":1})", R"([{"op":"move","from":"/x","path":"/y"}])",
       "error in move for path: 'x': Unable to remove nonexistent key: x: missing value"},
      {R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])",
       "move operation does not apply: doc is missing destination path: /a/b/c: missing value"},
      {R"({"a":1})", R"([{"op":"copy","from":"/x/y","path":"/b"}])",
       "copy operation does not apply: doc is missing from path: /x/y: missing value"},
      {R"({"a":1})", R"([{"op":"copy","from":"/a","path":"/x/y"}])",
       "copy operation does not apply: doc is missing destination path: /x/y: missing value"},
      {R"({"a":1})", R"([{"op":"test","path":"/x/y","value":1}])",
       "test operation does not apply: is missing path: /x/y: missing value"},
      {R"({"a":1})", R"([{"op":"frobnicate","path":"/a"}])", "Unexpected kind: frobnicate"},
      {R"({"a":1})", R"([{"path":"/a"}])", "Unexpected kind: unknown"},
      {R"({"a":1})", R"([{"op":"add","value":1}])", "add operation failed to decode path: missing value"},
      {R"({"a":1})", R"([{"op":"add","path":5,"value":1}])", "add operation failed to decode path: missing value"},
      {R"({"a":1})", R"([{"op":"move","path":"/b"}])",
       "move operation failed to decode from: operation, missing from field: missing value"},
      {R"({"a":1})", R"([{"op":"add","path":"/b"}])", "add operation does not apply: missing value field"},
      {R"({"a":1})", R"([{"op":"remove","path":""}])", R"(doc is missing path: "")"},
      {R"({"a":"str"})", R"([{"op":"add","path":"/a/b","value":1}])", R"(doc is missing path: "/a/b")"},
      {R"({"a":1})", R"([{"op":"add","path":"a","value":1}])", R"(doc is missing path: "a")"},
      {R"({"a":1})", R"([{"op":"add","path":"/a~2","value":1}])", R"(doc is missing path: "/a~2")"},
      {R"({"a":1})", R"([{"op":"add","path":"/b~","value":1}])", R"(doc is missing path: "/b~")"},
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/99999999999999999999","value":1}])", "value out of range"},
      {R"({"a":1})", R"([5])", "each JSON patch operation must be an object"},
      {R"({"a":1})", R"({"op":"add"})", "it must be an array of operations"},
  };
  for (const Case& c : cases) {
    INFO(c.ops);
    auto r = patch(c.doc, c.ops);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Matchers::Contains(c.message));
  }
}

TEST_CASE("JSON patch refuses what would exhaust resources", "[patch][json-patch][errors]") {
  SECTION("more operations than the apiserver allows") {
    boost::json::array ops;
    for (int i = 0; i < 10001; ++i) ops.push_back(J(R"({"op":"test","path":"","value":{}})"));
    CHECK_ERROR_CONTAINS(apply_json_patch(J("{}"), ops),
                         "The allowed maximum operations in a JSON patch is 10000, got: 10001");
  }
  SECTION("copies that would grow the document without bound") {
    boost::json::array big(300000, boost::json::value(1));
    boost::json::array ops;
    for (int i = 0; i < 5; ++i) {
      ops.push_back(boost::json::object{{"op", "copy"}, {"from", "/big"}, {"path", "/c" + std::to_string(i)}});
    }
    CHECK_ERROR_CONTAINS(apply_json_patch(boost::json::object{{"big", big}}, ops),
                         "Unable to complete the copy, the accumulated size increase of copy is");
  }
  SECTION("values that would nest the document too deep") {
    boost::json::value deep = boost::json::object();
    for (int i = 0; i < 60; ++i) deep = boost::json::object{{"x", std::move(deep)}};
    boost::json::array ops;
    ops.push_back(boost::json::object{{"op", "add"}, {"path", "/a"}, {"value", deep}});
    auto once = apply_json_patch(J("{}"), ops);
    REQUIRE(once.ok());
    // Copying the 61-level value 41 levels down would make 102 levels.
    std::string path = "/a";
    for (int i = 0; i < 40; ++i) path += "/x";
    ops.push_back(boost::json::object{{"op", "copy"}, {"from", "/a"}, {"path", path}});
    CHECK_ERROR_CONTAINS(apply_json_patch(J("{}"), ops), "deeper than the limit of 100 levels");
  }
}
