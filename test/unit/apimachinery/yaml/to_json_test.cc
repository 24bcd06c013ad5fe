// YAML to JSON as sigs.k8s.io/yaml.YAMLToJSON (go-yaml v2 semantics).

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "kscratch/apimachinery/yaml.h"

namespace y = kscratch::apimachinery::yaml;

namespace {

std::string json(std::string_view yaml) {
  auto v = y::to_json(yaml);
  if (!v) FAIL(v.error().message);
  return boost::json::serialize(*v);
}

std::string error(std::string_view yaml) {
  auto v = y::to_json(yaml);
  REQUIRE_FALSE(v.ok());
  return v.error().message;
}

}  // namespace

TEST_CASE("plain scalars resolve as go-yaml v2", "[yaml]") {
  CHECK(json("a: yes\nb: on\nc: y\nd: No\ne: off\nf: TRUE\ng: n") ==
        R"({"a":true,"b":true,"c":true,"d":false,"e":false,"f":true,"g":false})");
  CHECK(json("a: ~\nb: null\nc:\nd: Null") == R"({"a":null,"b":null,"c":null,"d":null})");
  CHECK(json("a: 0x1F\nb: 0o17\nc: 0755\nd: 1_000\ne: -0b101\nf: +12\ng: -7") ==
        R"({"a":31,"b":15,"c":493,"d":1000,"e":-5,"f":12,"g":-7})");
  CHECK(json("a: 1.5\nb: 1e3\nc: .5\nd: 08\ne: 1.0\nf: -2.5e-3") ==
        R"({"a":1.5E0,"b":1000,"c":5E-1,"d":8,"e":1,"f":-2.5E-3})");
  CHECK(json("a: 12345678901234567890") == R"({"a":12345678901234567890})");
  CHECK(json("a: 2024-01-01\nb: 2024-01-01T10:00:00Z\nc: 1:20") ==
        R"({"a":"2024-01-01","b":"2024-01-01T10:00:00Z","c":"1:20"})");
  CHECK(json("a: yess\nb: 0x\nc: 1e400\nd: 1.2.3\ne: -x\nf: .\ng: <<") ==
        R"({"a":"yess","b":"0x","c":"1e400","d":"1.2.3","e":"-x","f":".","g":"<<"})");
}

TEST_CASE("quoted and block scalars stay strings", "[yaml]") {
  CHECK(json("a: \"yes\"\nb: '123'\nc: \"\"\nd: 'null'\ne: !!str 42") ==
        R"({"a":"yes","b":"123","c":"","d":"null","e":"42"})");
  CHECK(json("a: |\n  line1\n  line2\nb: >\n  folded\n  text\n") == R"({"a":"line1\nline2\n","b":"folded text\n"})");
  CHECK(json("a: !!float 1\nb: !!int \"7\"\nc: !custom 5") == R"({"a":1,"b":7,"c":"5"})");
  CHECK(error("a: !!int abc") == "error converting YAML to JSON: yaml: line 1: cannot decode !!str `abc` as a !!int (column 4)");
}

TEST_CASE("non-string keys become strings", "[yaml]") {
  CHECK(json("1: a\ntrue: b\n1.5: c\non: d\n0x10: e\n1e3: f") ==
        R"({"1":"a","1.5":"c","1000":"f","16":"e","true":"d"})");
  // YAML 1.1: a bare y or n key is a boolean, a well-known go-yaml v2 surprise.
  CHECK(json("y: 1\nn: 2") == R"({"false":2,"true":1})");
  CHECK(error("null: x").find("unsupported map key of type") != std::string::npos);
  CHECK(error("? [a]\n: x").find("invalid map key") != std::string::npos);
}

TEST_CASE("keys come out sorted", "[yaml]") {
  CHECK(json("zeta: 1\nalpha: 2\nmid: {b: 1, a: 2}") == R"({"alpha":2,"mid":{"a":2,"b":1},"zeta":1})");
  CHECK(json("a: 1\na: 2") == R"({"a":2})");  // Later duplicates win, as go-yaml v2.
}

TEST_CASE("anchors, aliases and merge keys", "[yaml]") {
  CHECK(json("base: &b {x: 1, z: 2}\nderived:\n  <<: *b\n  z: 3\n") ==
        R"({"base":{"x":1,"z":2},"derived":{"x":1,"z":3}})");
  CHECK(json("a: &a [1, 2]\nb: *a") == R"({"a":[1,2],"b":[1,2]})");
  CHECK(json("- &x {a: 1}\n- &y {a: 2, b: 2}\n- <<: [*x, *y]\n  c: 3") ==
        R"([{"a":1},{"a":2,"b":2},{"a":1,"b":2,"c":3}])");
  CHECK(error("a: {<<: 1}").find("map merge requires map or sequence of maps as the value") != std::string::npos);
}

TEST_CASE("special floats cannot become JSON", "[yaml]") {
  CHECK(error("a: .inf") == "error converting YAML to JSON: json: unsupported value: +Inf");
  CHECK(error("a: -.Inf") == "error converting YAML to JSON: json: unsupported value: -Inf");
  CHECK(error("a: .nan") == "error converting YAML to JSON: json: unsupported value: NaN");
}

TEST_CASE("documents, nulls and top-level values", "[yaml]") {
  CHECK(json("") == "null");
  CHECK(json("# only a comment\n") == "null");
  CHECK(json("- a\n- 1") == R"(["a",1])");
  CHECK(json("hello") == R"("hello")");
  CHECK(json("{\"json\": [1, 2.5, true, null]}") == R"({"json":[1,2.5E0,true,null]})");
}

TEST_CASE("bad YAML reports line and column", "[yaml]") {
  std::string e = error("a: 1\nb: c: d\n");
  CHECK(e.rfind("error converting YAML to JSON: yaml: line 2: ", 0) == 0);
  CHECK(e.find("(column ") != std::string::npos);
  CHECK(error("a: [1, 2\n").rfind("error converting YAML to JSON: yaml: line ", 0) == 0);
  CHECK(error("a: *missing").rfind("error converting YAML to JSON: yaml: line 1: ", 0) == 0);
  CHECK(error("a:\n\t- b").rfind("error converting YAML to JSON: yaml: line ", 0) == 0);
}

TEST_CASE("multi-document streams", "[yaml]") {
  auto docs = y::stream_to_json("---\napiVersion: v1\nkind: A\n---\n# nothing here\n---   # comment\n\nkind: B\n---\n");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  CHECK(boost::json::serialize((*docs)[0]) == R"({"apiVersion":"v1","kind":"A"})");
  CHECK(boost::json::serialize((*docs)[1]) == R"({"kind":"B"})");
  auto nulls = y::stream_to_json("null\n---\n~\n---\n");
  REQUIRE(nulls.ok());
  CHECK(nulls->empty());
  CHECK(y::stream_to_json("a: 1\n--- x\nb: 2").error().message == "invalid Yaml document separator: x");
  auto bad = y::stream_to_json("a: 1\n---\nb: [\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.rfind("error converting YAML to JSON: yaml: line ", 0) == 0);
  // A line merely starting with dashes inside a block scalar is not at column 0, so it stays.
  auto block = y::stream_to_json("a: |\n  ---\n  x\n");
  REQUIRE(block.ok());
  CHECK(boost::json::serialize((*block)[0]) == R"({"a":"---\nx\n"})");
}

TEST_CASE("hostile YAML does not crash", "[yaml]") {
  CHECK_FALSE(y::to_json(std::string(100000, '[')).ok());
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  (void)y::to_json(deep);
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'z'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
              prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  auto r = y::to_json(laughs);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("excessive aliasing") != std::string::npos);
  (void)y::to_json("&a [*a]");  // A self-referencing alias hits the depth limit.
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  (void)y::to_json(bytes);
  (void)y::stream_to_json(bytes);
}
