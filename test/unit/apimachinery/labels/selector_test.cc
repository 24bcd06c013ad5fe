// Cases from upstream's pkg/labels/selector_test.go, plus exact error texts.

#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/json.hpp>

#include "kscratch/apimachinery/labels.h"

namespace labels = kscratch::apimachinery::labels;
using labels::LabelMap;
using labels::Operator;

namespace {

std::string strip_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

bool parse_matches(const std::string& selector, const LabelMap& set) {
  auto s = labels::parse(selector);
  REQUIRE(s.ok());
  return s->matches(set);
}

labels::Requirement req(std::string key, Operator op, std::vector<std::string> values) {
  auto r = labels::Requirement::make(std::move(key), op, std::move(values));
  REQUIRE(r.ok());
  return *r;
}

std::string parse_error(const std::string& selector) {
  auto s = labels::parse(selector);
  REQUIRE_FALSE(s.ok());
  return s.error().message;
}

}  // namespace

TEST_CASE("parse round-trips good selectors and rejects bad ones", "[labels]") {
  for (const char* good : {"x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1",
                           "x>1,z<5"}) {
    INFO(good);
    auto s = labels::parse(good);
    REQUIRE(s.ok());
    CHECK(s->to_string() == strip_spaces(good));
  }
  for (const char* bad : {"x=a||y=b", "x==a==b", "!x=a", "x<a"}) {
    INFO(bad);
    CHECK_FALSE(labels::parse(bad).ok());
  }
}

TEST_CASE("parse is deterministic", "[labels]") {
  CHECK(labels::parse("x=a,a=x")->to_string() == labels::parse("a=x,x=a")->to_string());
  CHECK(labels::parse("x=a,a=x")->to_string() == "a=x,x=a");
}

TEST_CASE("selector matches", "[labels]") {
  CHECK(parse_matches("", {{"x", "y"}}));
  CHECK(parse_matches("x=y", {{"x", "y"}}));
  CHECK(parse_matches("x=y,z=w", {{"x", "y"}, {"z", "w"}}));
  CHECK(parse_matches("x!=y,z!=w", {{"x", "z"}, {"z", "a"}}));
  CHECK(parse_matches("notin=in", {{"notin", "in"}}));
  CHECK(parse_matches("x", {{"x", "z"}}));
  CHECK(parse_matches("!x", {{"y", "z"}}));
  CHECK(parse_matches("x>1", {{"x", "2"}}));
  CHECK(parse_matches("x<1", {{"x", "0"}}));
  CHECK_FALSE(parse_matches("x=z", {}));
  CHECK_FALSE(parse_matches("x=y", {{"x", "z"}}));
  CHECK_FALSE(parse_matches("x=y,z=w", {{"x", "w"}, {"z", "w"}}));
  CHECK_FALSE(parse_matches("x!=y,z!=w", {{"x", "z"}, {"z", "w"}}));
  CHECK_FALSE(parse_matches("x", {{"y", "z"}}));
  CHECK_FALSE(parse_matches("!x", {{"x", "z"}}));
  CHECK_FALSE(parse_matches("x>1", {{"x", "0"}}));
  CHECK_FALSE(parse_matches("x<1", {{"x", "2"}}));

  LabelMap set{{"foo", "bar"}, {"baz", "blah"}};
  CHECK(parse_matches("foo=bar", set));
  CHECK(parse_matches("baz=blah", set));
  CHECK(parse_matches("foo=bar,baz=blah", set));
  CHECK_FALSE(parse_matches("foo=blah", set));
  CHECK_FALSE(parse_matches("baz=bar", set));
  CHECK_FALSE(parse_matches("foo=bar,foobar=bar,baz=blah", set));
  CHECK(parse_matches("foo in (bar,x),baz notin (x)", set));
  CHECK(parse_matches("app notin (x)", set));  // A missing key is not in any set.
  CHECK_FALSE(parse_matches("x>1", {{"x", "v2"}}));
  CHECK_FALSE(parse_matches("x>1", {{"x", "99999999999999999999"}}));
}

TEST_CASE("everything, nothing and sets", "[labels]") {
  CHECK(labels::Selector::everything().matches(LabelMap{{"x", "y"}}));
  CHECK(labels::Selector::everything().empty());
  CHECK_FALSE(labels::Selector::nothing().matches(LabelMap{}));
  CHECK_FALSE(labels::Selector::nothing().empty());
  LabelMap set{{"foo", "bar"}, {"baz", "blah"}};
  CHECK(labels::selector_from_set({}).matches(set));
  CHECK(labels::selector_from_set({}).empty());
  CHECK(labels::selector_from_set({{"foo", "bar"}}).matches(set));
  CHECK(labels::selector_from_set(set).matches(set));
  CHECK(labels::selector_from_set(set).to_string() == "baz=blah,foo=bar");
  CHECK_FALSE(labels::selector_from_set({{"foo", "bar"}, {"x", "y"}}).matches(set));
  CHECK(labels::validated_selector_from_set(set).ok());
  CHECK(labels::validated_selector_from_set({{"a b", "c"}}).error().message ==
        "key: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and "
        "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
        "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
}

TEST_CASE("requirement constructor", "[labels]") {
  struct Case {
    std::string key;
    Operator op;
    std::vector<std::string> values;
    bool ok;
  };
  std::vector<Case> cases = {
      {"x", Operator::kIn, {}, false},
      {"x", Operator::kNotIn, {}, false},
      {"x", Operator::kIn, {"foo"}, true},
      {"x", Operator::kNotIn, {"foo"}, true},
      {"x", Operator::kExists, {}, true},
      {"x", Operator::kDoesNotExist, {}, true},
      {"1foo", Operator::kIn, {"bar"}, true},
      {"1234", Operator::kIn, {"bar"}, true},
      {"y", Operator::kGreaterThan, {"1"}, true},
      {"z", Operator::kLessThan, {"6"}, true},
      {"foo", Operator::kGreaterThan, {"bar"}, false},
      {"barz", Operator::kLessThan, {"blah"}, false},
      {std::string(254, 'a'), Operator::kExists, {}, false},
      {"x", Operator::kEquals, {"a", "b"}, false},
      {"x", Operator::kExists, {"a"}, false},
  };
  for (const Case& c : cases) {
    INFO(c.key << " " << labels::operator_name(c.op));
    CHECK(labels::Requirement::make(c.key, c.op, c.values).ok() == c.ok);
  }
  CHECK(labels::Requirement::make("x", Operator::kIn, {}).error().message ==
        "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
  CHECK(labels::Requirement::make("x", Operator::kEquals, {"a", "<b>"}).error().message ==
        "[values: Invalid value: [\"a\",\"\\u003cb\\u003e\"]: exact-match compatibility requires one single "
        "value, values[1][x]: Invalid value: \"<b>\": a valid label must be an empty string or consist of "
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]");
}

TEST_CASE("requirement and selector strings", "[labels]") {
  auto sel = labels::Selector::everything()
                 .add(req("x", Operator::kIn, {"def", "abc"}))
                 .add(req("y", Operator::kNotIn, {"jkl"}))
                 .add(req("z", Operator::kExists, {}));
  CHECK(sel.to_string() == "x in (abc,def),y notin (jkl),z");
  // Printing sorts values without reordering the stored list.
  CHECK(sel.requirements()[0].values() == std::vector<std::string>{"def", "abc"});
  sel = labels::Selector::everything()
            .add(req("x", Operator::kNotIn, {"abc", "def"}))
            .add(req("y", Operator::kNotEquals, {"jkl"}))
            .add(req("z", Operator::kDoesNotExist, {}));
  CHECK(sel.to_string() == "x notin (abc,def),y!=jkl,!z");
  sel = labels::Selector::everything()
            .add(req("x", Operator::kNotIn, {"abc"}))
            .add(req("y", Operator::kIn, {"jkl", "mno"}))
            .add(req("z", Operator::kNotIn, {""}));
  CHECK(sel.to_string() == "x notin (abc),y in (jkl,mno),z notin ()");
  sel = labels::Selector::everything()
            .add(req("x", Operator::kEquals, {"abc"}))
            .add(req("y", Operator::kDoubleEquals, {"jkl"}))
            .add(req("z", Operator::kNotEquals, {"a"}))
            .add(req("z", Operator::kExists, {}));
  CHECK(sel.to_string() == "x=abc,y==jkl,z!=a,z");
  sel = labels::Selector::everything()
            .add(req("x", Operator::kGreaterThan, {"2"}))
            .add(req("y", Operator::kLessThan, {"8"}))
            .add(req("z", Operator::kExists, {}));
  CHECK(sel.to_string() == "x>2,y<8,z");
}

TEST_CASE("requirement matching", "[labels]") {
  LabelMap xy{{"x", "foo"}, {"y", "baz"}};
  auto s = labels::Selector::everything().add(req("x", Operator::kIn, {"foo"})).add(req("y", Operator::kNotIn, {"alpha"}));
  CHECK(s.matches(xy));
  s = labels::Selector::everything().add(req("x", Operator::kIn, {"foo"})).add(req("y", Operator::kIn, {"alpha"}));
  CHECK_FALSE(s.matches(xy));
  LabelMap y_empty{{"y", ""}};
  CHECK(labels::Selector::everything()
            .add(req("x", Operator::kNotIn, {""}))
            .add(req("y", Operator::kExists, {}))
            .matches(y_empty));
  CHECK(labels::Selector::everything()
            .add(req("x", Operator::kDoesNotExist, {}))
            .add(req("y", Operator::kExists, {}))
            .matches(y_empty));
  CHECK_FALSE(labels::Selector::everything()
                  .add(req("x", Operator::kNotIn, {""}))
                  .add(req("y", Operator::kDoesNotExist, {}))
                  .matches(y_empty));
  CHECK_FALSE(labels::Selector::everything().add(req("x", Operator::kIn, {""})).matches(LabelMap{{"y", "baz"}}));
  CHECK(labels::Selector::everything().add(req("z", Operator::kGreaterThan, {"1"})).matches(LabelMap{{"z", "2"}}));
  CHECK_FALSE(labels::Selector::everything().add(req("z", Operator::kGreaterThan, {"1"})).matches(LabelMap{{"z", "v2"}}));
}

TEST_CASE("set-based parser cases", "[labels]") {
  struct Case {
    std::string in;
    std::string out;  // The selector's string form when valid.
  };
  std::vector<Case> valid = {
      {"", ""},
      {"\rx", "x"},
      {"this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"},
      {"this-is-another-dns.domain.com/key-with-dash in (so,what)",
       "this-is-another-dns.domain.com/key-with-dash in (so,what)"},
      {"0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"},
      {"foo  in\t (abc)", "foo in (abc)"},
      {"x notin\n (abc)", "x notin (abc)"},
      {"x  notin\t\t\t(abc,def)", "x notin (abc,def)"},
      {"x in (abc,def)", "x in (abc,def)"},
      {"x in (abc,)", "x in (,abc)"},
      {"x in ()", "x in ()"},
      {"x notin (abc,def),bar,z in (),w", "bar,w,x notin (abc,def),z in ()"},
      {"x,y in (a)", "x,y in (a)"},
      {"x=a", "x=a"},
      {"x>1", "x>1"},
      {"x<7", "x<7"},
      {"x=a,y!=b", "x=a,y!=b"},
      {"x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)"},
      {"x,y", "x,y"},
      {"x notin ( )", "x notin ()"},
      {"x notin (, a)", "x notin (,a)"},
      {"a ", "a"},
      {"a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"},
      {"x in (a,a,b)", "x in (a,b)"},
      {"x in (a,,b)", "x in (,a,b)"},
      {"in in (in)", "in in (in)"},
  };
  for (const Case& c : valid) {
    INFO(c.in);
    auto s = labels::parse(c.in);
    REQUIRE(s.ok());
    CHECK(s->to_string() == c.out);
  }
  for (const char* bad : {"x=a||y=b", "x,,y", ",x,y", "x nott in (y)", "a in (xyz),", "a in (xyz)b notin ()",
                          "a in (xyz abc)", "a notin(", "a (", "(", "x in (a", "x in a", "x in (a))", "!",
                          "!!x", "x!", "x=(a)", "a/b/c", "x in ((a))", "x=a=b"}) {
    INFO(bad);
    CHECK_FALSE(labels::parse(bad).ok());
  }
}

TEST_CASE("parse error texts match upstream", "[labels]") {
  CHECK(parse_error("x==a==b") == "found '==', expected: ',' or 'end of string'");
  CHECK(parse_error("!x=a") == "found '=', expected: ',' or 'end of string'");
  CHECK(parse_error("x<a") ==
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must "
        "be an integer");
  CHECK(parse_error(",x") == "found ',', expected: !, identifier, or 'end of string'");
  CHECK(parse_error("x,") == "found '', expected: identifier after ','");
  CHECK(parse_error("x,,y") == "found ',', expected: identifier after ','");
  CHECK(parse_error("a (") == "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt");
  CHECK(parse_error("a notin(") == "unable to parse requirement: found '', expected: ',', ')' or identifier");
  CHECK(parse_error("a in (xyz abc)") == "unable to parse requirement: found 'abc', expected: ',' or ')'");
  CHECK(parse_error("a in xyz") == "unable to parse requirement: found 'xyz' expected: '('");
  CHECK(parse_error("a in (x,=)") == "unable to parse requirement: found '=', expected: ',', or identifier");
  CHECK(parse_error("x=(") == "unable to parse requirement: found '(', expected: identifier");
  CHECK(parse_error("!=") == "found '!=', expected: !, identifier, or 'end of string'");
  CHECK(parse_error("!,") == "unable to parse requirement: found ',', expected: identifier");
  CHECK(parse_error("a b") == "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  CHECK(parse_error("a/b/c=d") ==
        "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of "
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. "
        "'example.com/MyName')");
  CHECK(parse_error("x=a||y") ==
        "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty "
        "string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  CHECK(parse_error("k\xff=v").find("Invalid value: \"k\\xff\"") != std::string::npos);
  CHECK(parse_error("k\t\x01=v").find("found '\x01', expected") != std::string::npos);
}

TEST_CASE("requires_exact_match", "[labels]") {
  auto s = labels::parse("a=1,b in (2),c in (3,4),d!=5,e");
  REQUIRE(s.ok());
  CHECK(s->requires_exact_match("a") == "1");
  CHECK(s->requires_exact_match("b") == "2");
  CHECK_FALSE(s->requires_exact_match("c"));
  CHECK_FALSE(s->requires_exact_match("d"));
  CHECK_FALSE(s->requires_exact_match("e"));
  CHECK_FALSE(s->requires_exact_match("zzz"));
}

TEST_CASE("matching over JSON label objects", "[labels]") {
  auto labels_json = boost::json::parse(R"({"app":"web","tier":"front","n":3})").as_object();
  CHECK(labels::parse("app=web,tier in (front,back)")->matches(labels_json));
  CHECK(labels::parse("!n")->matches(labels_json));  // Non-string values count as absent.
  CHECK_FALSE(labels::parse("app=db")->matches(labels_json));
  CHECK(labels::Selector::everything().matches(labels_json));
}

TEST_CASE("metav1.LabelSelector conversion", "[labels]") {
  auto convert = [](const char* json) { return labels::from_label_selector(boost::json::parse(json)); };
  auto s = convert(R"({"matchLabels":{"app":"web","tier":"front"},
                       "matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},
                                           {"key":"canary","operator":"DoesNotExist"},
                                           {"key":"tier","operator":"NotIn","values":["db"]},
                                           {"key":"zone","operator":"Exists"}]})");
  REQUIRE(s.ok());
  CHECK(s->to_string() == "app=web,!canary,env in (dev,prod),tier=front,tier notin (db),zone");
  CHECK(s->matches(LabelMap{{"app", "web"}, {"tier", "front"}, {"env", "prod"}, {"zone", "a"}}));
  CHECK_FALSE(s->matches(LabelMap{{"app", "web"}, {"tier", "front"}, {"env", "prod"}}));
  CHECK_FALSE(s->matches(LabelMap{{"app", "web"}, {"tier", "front"}, {"env", "qa"}, {"zone", "a"}}));

  CHECK(convert("{}")->empty());
  CHECK(convert(R"({"matchLabels":null,"matchExpressions":[]})")->empty());
  CHECK(convert("{}")->matches(LabelMap{{"a", "b"}}));
  CHECK(convert("null")->is_nothing());
  CHECK_FALSE(convert("null")->matches(LabelMap{}));

  CHECK(convert(R"({"matchExpressions":[{"key":"a","operator":"Equals","values":["b"]}]})").error().message ==
        "\"Equals\" is not a valid pod selector operator");
  CHECK(convert(R"({"matchExpressions":[{"key":"a","operator":"In"}]})").error().message ==
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
  CHECK(convert(R"({"matchExpressions":[{"key":"a","operator":"In","values":[]}]})").error().message ==
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
  CHECK(convert(R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})").error().message ==
        "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist");
  CHECK(convert(R"({"matchLabels":{"a":"b c"}})").error().message.rfind(
            "values[0][a]: Invalid value: \"b c\": a valid label must be", 0) == 0);
  CHECK_FALSE(convert(R"({"matchLabels":{"a":1}})").ok());
  CHECK_FALSE(convert(R"({"matchLabels":[]})").ok());
  CHECK_FALSE(convert(R"({"matchExpressions":{}})").ok());
  CHECK_FALSE(convert(R"({"matchExpressions":[1]})").ok());
  CHECK_FALSE(convert(R"({"matchExpressions":[{"key":"a","operator":"In","values":[1]}]})").ok());
  CHECK_FALSE(convert("[]").ok());

  CHECK(labels::format_label_selector(boost::json::parse(R"({"matchLabels":{"app":"web"}})")) == "app=web");
  CHECK(labels::format_label_selector(boost::json::parse("{}")) == "<none>");
  CHECK(labels::format_label_selector(boost::json::parse("null")) == "<none>");
  CHECK(labels::format_label_selector(boost::json::parse(R"({"matchLabels":{"-":"x"}})")) == "<error>");
}

TEST_CASE("hostile selectors do not crash", "[labels]") {
  std::string big(100000, '(');
  CHECK_FALSE(labels::parse(big).ok());
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "k" + std::to_string(i) + " in (a,b,,c),";
  many += "z";
  auto s = labels::parse(many);
  REQUIRE(s.ok());
  CHECK(s->requirements().size() == 5001);
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  (void)labels::parse(bytes);
  (void)labels::parse(std::string("a\0b", 3));
}
