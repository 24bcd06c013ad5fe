// Cases from upstream's pkg/fields/selector_test.go, plus error texts.

#include <catch2/catch.hpp>

#include "kscratch/apimachinery/fields.h"

namespace fields = kscratch::apimachinery::fields;
using FieldMap = std::map<std::string, std::string>;

namespace {

bool parse_matches(const std::string& selector, const FieldMap& set) {
  auto s = fields::parse(selector);
  REQUIRE(s.ok());
  return s->matches(set);
}

}  // namespace

TEST_CASE("escape and unescape values", "[fields]") {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""}, {"a", "a"}, {"=", "\\="}, {",", "\\,"}, {"\\", "\\\\"}, {"\\=\\,\\", "\\\\\\=\\\\\\,\\\\"}};
  for (const auto& [raw, escaped] : cases) {
    INFO(raw);
    CHECK(fields::escape_value(raw) == escaped);
    auto back = fields::unescape_value(escaped);
    REQUIRE(back.ok());
    CHECK(*back == raw);
  }
  for (const char* bad : {"\\", "\\\\\\", "\\a"}) {
    INFO(bad);
    auto r = fields::unescape_value(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("invalid escape sequence") != std::string::npos);
  }
  CHECK(fields::unescape_value("\\a").error().message == "invalid field selector: invalid escape sequence: \\a");
  CHECK(fields::unescape_value("x\\").error().message == "invalid field selector: invalid escape sequence: \\");
  // Upstream formats the rune with %v, which prints its number.
  CHECK(fields::unescape_value("a,b").error().message == "invalid field selector: unescaped character in value: 44");
  CHECK(fields::unescape_value("a=b").error().message == "invalid field selector: unescaped character in value: 61");
  CHECK(fields::unescape_value("\\\xc3\xa9").error().message ==
        "invalid field selector: invalid escape sequence: \\\xc3\xa9");
}

TEST_CASE("parse round-trips good selectors and rejects bad ones", "[fields]") {
  for (const char* good : {"x=a,y=b,z=c", "", "x!=a,y=b", "x=a||y\\=b", "x=a\\=\\=b"}) {
    INFO(good);
    auto s = fields::parse(good);
    REQUIRE(s.ok());
    CHECK(s->to_string() == good);
  }
  for (const char* bad : {"x=a||y=b", "x==a==b", "x=a,b", "x in (a)", "x in (a,b,c)", "x"}) {
    INFO(bad);
    CHECK_FALSE(fields::parse(bad).ok());
  }
  CHECK(fields::parse("x=a,b").error().message == "invalid selector: 'x=a,b'; can't understand 'b'");
  CHECK(fields::parse("x==a==b").error().message == "invalid field selector: unescaped character in value: 61");
  CHECK(fields::parse("a==b")->to_string() == "a=b");
  CHECK(fields::parse("a=b,")->to_string() == "a=b");
  CHECK(fields::parse(",a=b")->to_string() == "a=b");
  CHECK(fields::parse("k=\\,,k2=v2")->to_string() == "k2=v2,k=\\,");  // Sorted by raw term text.
  CHECK(fields::parse("\xed\x95\xa8=\xec\x88\x98,\xeb\xaa\xa9=\xeb\xa1\x9d")->requirements().size() == 2);
}

TEST_CASE("parse is deterministic", "[fields]") {
  CHECK(fields::parse("x=a,a=x")->to_string() == fields::parse("a=x,x=a")->to_string());
}

TEST_CASE("selector matches", "[fields]") {
  CHECK(parse_matches("", {{"x", "y"}}));
  CHECK(parse_matches("x=y", {{"x", "y"}}));
  CHECK(parse_matches("x=y,z=w", {{"x", "y"}, {"z", "w"}}));
  CHECK(parse_matches("x!=y,z!=w", {{"x", "z"}, {"z", "a"}}));
  CHECK(parse_matches("notin=in", {{"notin", "in"}}));
  CHECK_FALSE(parse_matches("x=y", {{"x", "z"}}));
  CHECK_FALSE(parse_matches("x=y,z=w", {{"x", "w"}, {"z", "w"}}));
  CHECK_FALSE(parse_matches("x!=y,z!=w", {{"x", "z"}, {"z", "w"}}));

  FieldMap set{{"foo", "bar"}, {"baz", "blah"}, {"complex", "=value\\,\\"}};
  CHECK(parse_matches("foo=bar", set));
  CHECK(parse_matches("baz=blah", set));
  CHECK(parse_matches("foo=bar,baz=blah", set));
  CHECK(parse_matches("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", set));
  CHECK_FALSE(parse_matches("foo=blah", set));
  CHECK_FALSE(parse_matches("baz=bar", set));
  CHECK_FALSE(parse_matches("foo=bar,foobar=bar,baz=blah", set));
  // A missing field reads as "", as upstream's Set.Get.
  CHECK(parse_matches("spec.nodeName=", {}));
  CHECK(parse_matches("spec.nodeName!=node1", {}));
}

TEST_CASE("matches with a field getter", "[fields]") {
  auto s = fields::parse("metadata.name=web,status.phase!=Running");
  REQUIRE(s.ok());
  auto pod = [](std::string phase) {
    return [phase](std::string_view field) -> std::string {
      if (field == "metadata.name") return "web";
      if (field == "status.phase") return phase;
      return "";
    };
  };
  CHECK(s->matches(pod("Pending")));
  CHECK_FALSE(s->matches(pod("Running")));
}

TEST_CASE("everything, nothing, sets and one-term selectors", "[fields]") {
  CHECK(fields::Selector::everything().matches(FieldMap{{"x", "y"}}));
  CHECK(fields::Selector::everything().empty());
  CHECK_FALSE(fields::Selector::nothing().empty());
  CHECK_FALSE(fields::Selector::nothing().matches(FieldMap{}));
  CHECK(fields::selector_from_set({}).empty());
  FieldMap set{{"foo", "bar"}, {"baz", "blah"}};
  CHECK(fields::selector_from_set({{"foo", "bar"}}).matches(set));
  CHECK(fields::selector_from_set(set).matches(set));
  CHECK_FALSE(fields::selector_from_set({{"foo", "=blah"}}).matches(set));
  CHECK_FALSE(fields::selector_from_set({{"foo", "=bar"}, {"foobar", "bar"}, {"baz", "blah"}}).matches(set));
  CHECK(fields::one_term_equal("x", "y").matches(FieldMap{{"x", "y"}}));
  CHECK_FALSE(fields::one_term_equal("x", "y").matches(FieldMap{{"x", "z"}}));
  CHECK(fields::one_term_not_equal("x", "y").matches(FieldMap{{"x", "z"}}));
  CHECK(fields::one_term_equal("metadata.name", "a,b").to_string() == "metadata.name=a\\,b");
}

TEST_CASE("requires_exact_match", "[fields]") {
  CHECK_FALSE(fields::Selector::everything().requires_exact_match("test"));
  CHECK_FALSE(fields::one_term_equal("a", "b").requires_exact_match("test"));
  CHECK(fields::one_term_equal("test", "b").requires_exact_match("test") == "b");
  CHECK(fields::one_term_equal("test", "").requires_exact_match("test") == "");
  CHECK_FALSE(fields::one_term_not_equal("test", "b").requires_exact_match("test"));
  CHECK(fields::parse("a=1,test=b")->requires_exact_match("test") == "b");
}

TEST_CASE("requirements and supported field labels", "[fields]") {
  auto s = fields::parse("metadata.name==web,spec.nodeName!=n1");
  REQUIRE(s.ok());
  CHECK(s->requirements() == std::vector<fields::Requirement>{
                                 {"metadata.name", fields::Operator::kEquals, "web"},
                                 {"spec.nodeName", fields::Operator::kNotEquals, "n1"}});
  std::set<std::string> supported{"metadata.name", "metadata.namespace", "spec.nodeName"};
  CHECK(fields::check_supported_fields(*s, supported).ok());
  auto bad = fields::parse("metadata.name=web,spec.foo=bar");
  CHECK(fields::check_supported_fields(*bad, supported).error().message == "field label not supported: spec.foo");
}

TEST_CASE("transform renames fields and drops emptied terms", "[fields]") {
  auto s = fields::parse_and_transform("a=1,b=2,c=3", [](const std::string& f, const std::string& v)
                                                           -> kscratch::Expected<std::pair<std::string, std::string>> {
    if (f == "a") return std::pair<std::string, std::string>{"alpha", v};
    if (f == "b") return std::pair<std::string, std::string>{"", ""};
    if (v == "bad") return kscratch::make_error("bad value");
    return std::pair<std::string, std::string>{f, v};
  });
  REQUIRE(s.ok());
  CHECK(s->to_string() == "alpha=1,c=3");
  auto failed = fields::parse_and_transform("c=bad", [](const std::string&, const std::string&)
                                                         -> kscratch::Expected<std::pair<std::string, std::string>> {
    return kscratch::make_error("bad value");
  });
  CHECK(failed.error().message == "bad value");
}

TEST_CASE("hostile field selectors do not crash", "[fields]") {
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "f" + std::to_string(i) + "=v\\,,";
  auto s = fields::parse(many);
  REQUIRE(s.ok());
  CHECK(s->requirements().size() == 10000);
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  (void)fields::parse(bytes);
  (void)fields::parse(std::string(100000, '\\'));
}
