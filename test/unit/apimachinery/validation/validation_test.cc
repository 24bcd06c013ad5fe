// Cases from upstream's pkg/util/validation/validation_test.go, plus exact message texts.

#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "kscratch/apimachinery/validation.h"

namespace v = kscratch::apimachinery::validation;

namespace {
std::string rep(char c, size_t n) { return std::string(n, c); }
}  // namespace

TEST_CASE("is_dns1123_label accepts and rejects upstream's cases", "[validation]") {
  for (const std::string& good : {std::string("a"), std::string("ab"), std::string("abc"), std::string("a1"),
                                  std::string("a-1"), std::string("a--1--2--b"), std::string("0"),
                                  std::string("01"), std::string("012"), std::string("1a"),
                                  std::string("1-a"), std::string("1--a--b--2"), rep('a', 63)}) {
    INFO(good);
    CHECK(v::is_dns1123_label(good).empty());
  }
  for (const std::string& bad :
       {std::string(""), std::string("A"), std::string("ABC"), std::string("aBc"), std::string("A1"),
        std::string("A-1"), std::string("1-A"), std::string("-"), std::string("a-"), std::string("-a"),
        std::string("1-"), std::string("-1"), std::string("_"), std::string("a_"), std::string("_a"),
        std::string("a_b"), std::string("1_"), std::string("_1"), std::string("1_2"), std::string("."),
        std::string("a."), std::string(".a"), std::string("a.b"), std::string("1."), std::string(".1"),
        std::string("1.2"), std::string(" "), std::string("a "), std::string(" a"), std::string("a b"),
        std::string("1 "), std::string(" 1"), std::string("1 2"), rep('a', 64), std::string("a\n")}) {
    INFO(bad);
    CHECK_FALSE(v::is_dns1123_label(bad).empty());
  }
}

TEST_CASE("is_dns1123_label messages", "[validation]") {
  CHECK(v::is_dns1123_label("a.b") == std::vector<std::string>{"must not contain dots"});
  CHECK(v::is_dns1123_label("Foo") ==
        std::vector<std::string>{
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
            "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
            "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"});
  CHECK(v::is_dns1123_label(rep('a', 64)) == std::vector<std::string>{"must be no more than 63 characters"});
}

TEST_CASE("is_dns1123_subdomain accepts and rejects upstream's cases", "[validation]") {
  for (const std::string& good :
       {std::string("a"), std::string("a--1--2--b"), std::string("a.a"), std::string("a--1--2--b.a"),
        std::string("a.1"), std::string("0.a"), std::string("1--a--b--2"), std::string("0.1"),
        std::string("1--a--b--2.1"), std::string("a.b.c.d.e"), std::string("aa.bb.cc.dd.ee"),
        std::string("1.2.3.4.5"), std::string("11.22.33.44.55"), rep('a', 253)}) {
    INFO(good);
    CHECK(v::is_dns1123_subdomain(good).empty());
  }
  for (const std::string& bad :
       {std::string(""), std::string("A"), std::string("-"), std::string("a-"), std::string("_"),
        std::string("."), std::string("a."), std::string(".a"), std::string("a..b"), std::string("1..2"),
        std::string("a b"), std::string("A.a"), std::string("ab.A"), std::string("a.B.c.d.e"),
        std::string("a@b"), std::string("a,b"), std::string("a;b"), std::string("a:b"), std::string("a%b"),
        std::string("a?b"), std::string("a$b"), rep('a', 254)}) {
    INFO(bad);
    CHECK_FALSE(v::is_dns1123_subdomain(bad).empty());
  }
  CHECK(v::is_dns1123_subdomain("Example.com") ==
        std::vector<std::string>{
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
            "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
            "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"});
  CHECK(v::is_dns1123_subdomain(rep('-', 254)).size() == 2);
}

TEST_CASE("is_dns1035_label", "[validation]") {
  for (const std::string& good : {std::string("a"), std::string("ab"), std::string("a-1"),
                                  std::string("a--1--2--b"), rep('a', 63)}) {
    CHECK(v::is_dns1035_label(good).empty());
  }
  for (const std::string& bad : {std::string("0"), std::string("1a"), std::string("1-a"), std::string(""),
                                 std::string("A"), std::string("a-"), std::string("-a"), std::string("a_b"),
                                 std::string("a.b"), std::string("a b"), rep('a', 64)}) {
    INFO(bad);
    CHECK_FALSE(v::is_dns1035_label(bad).empty());
  }
  CHECK(v::is_dns1035_label("1a") ==
        std::vector<std::string>{
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
            "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"});
}

TEST_CASE("is_valid_port_num", "[validation]") {
  for (int64_t good : {1, 2, 1000, 16384, 32768, 65535}) CHECK(v::is_valid_port_num(good).empty());
  for (int64_t bad : {0, -1, 65536, 100000}) {
    CHECK(v::is_valid_port_num(bad) == std::vector<std::string>{"must be between 1 and 65535, inclusive"});
  }
}

TEST_CASE("is_valid_port_name", "[validation]") {
  for (const char* good : {"telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"}) {
    INFO(good);
    CHECK(v::is_valid_port_name(good).empty());
  }
  for (const std::string& bad :
       {std::string("longerthan15characters"), std::string(""), rep('a', 16), std::string("12345"),
        std::string("1-2-3-4"), std::string("-begin"), std::string("end-"), std::string("two--hyphens"),
        std::string("whois++")}) {
    INFO(bad);
    CHECK_FALSE(v::is_valid_port_name(bad).empty());
  }
  CHECK(v::is_valid_port_name("-A-") ==
        std::vector<std::string>{"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                                 "must contain at least one letter (a-z)", "must not begin or end with a hyphen"});
}

TEST_CASE("is_qualified_name", "[validation]") {
  for (const std::string& good :
       {std::string("simple"), std::string("now-with-dashes"), std::string("1-starts-with-num"),
        std::string("1234"), std::string("simple/simple"), std::string("now-with-dashes/simple"),
        std::string("now-with-dashes/now-with-dashes"), std::string("now.with.dots/simple"),
        std::string("now-with.dashes-and.dots/simple"), std::string("1-num.2-num/3-num"),
        std::string("1234/5678"), std::string("1.2.3.4/5678"), std::string("Uppercase_Is_OK_123"),
        std::string("example.com/Uppercase_Is_OK_123"), std::string("requests.storage-foo"), rep('a', 63),
        rep('a', 253) + "/" + rep('b', 63)}) {
    INFO(good);
    CHECK(v::is_qualified_name(good).empty());
  }
  for (const std::string& bad :
       {std::string("nospecialchars%^=@"), std::string("cantendwithadash-"),
        std::string("-cantstartwithadash-"), std::string("only/one/slash"), std::string("Example.com/abc"),
        std::string("example_com/abc"), std::string("example.com/"), std::string("/simple"), rep('a', 64),
        rep('a', 254) + "/abc"}) {
    INFO(bad);
    CHECK_FALSE(v::is_qualified_name(bad).empty());
  }
}

TEST_CASE("is_qualified_name messages", "[validation]") {
  const std::string expected_name_part =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
      "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
      "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  CHECK(v::is_qualified_name("a b") == std::vector<std::string>{expected_name_part});
  CHECK(v::is_qualified_name("example.com/") ==
        std::vector<std::string>{"name part must be non-empty", expected_name_part});
  CHECK(v::is_qualified_name("/a") == std::vector<std::string>{"prefix part must be non-empty"});
  CHECK(v::is_qualified_name("a/b/c") ==
        std::vector<std::string>{
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
            "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
            "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
            "subdomain prefix and '/' (e.g. 'example.com/MyName')"});
  auto errs = v::is_qualified_name("Example.com/" + rep('a', 64));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].rfind("prefix part a lowercase RFC 1123 subdomain", 0) == 0);
  CHECK(errs[1] == "name part must be no more than 63 characters");
}

TEST_CASE("is_valid_label_value", "[validation]") {
  for (const std::string& good : {std::string("simple"), std::string("now-with-dashes"),
                                  std::string("1-starts-with-num"), std::string("end-with-num-1"),
                                  std::string("1234"), rep('a', 63), std::string("")}) {
    CHECK(v::is_valid_label_value(good).empty());
  }
  for (const std::string& bad :
       {std::string("nospecialchars%^=@"), std::string("Tama-nui-te-r\xc4\x81.is.M\xc4\x81ori.sun"),
        std::string("\\backslashes\\are\\bad"), std::string("-starts-with-dash"), std::string("ends-with-dash-"),
        std::string(".starts.with.dot"), std::string("ends.with.dot."), rep('a', 64)}) {
    INFO(bad);
    CHECK_FALSE(v::is_valid_label_value(bad).empty());
  }
  CHECK(v::is_valid_label_value("-x") ==
        std::vector<std::string>{
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
            "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"});
}

TEST_CASE("is_c_identifier and is_env_var_name", "[validation]") {
  for (const char* good : {"a", "_", "A_b9", "_9"}) CHECK(v::is_c_identifier(good).empty());
  for (const char* bad : {"", "9a", "a-b", "a.b", "a b"}) CHECK_FALSE(v::is_c_identifier(bad).empty());
  CHECK(v::is_c_identifier("9") ==
        std::vector<std::string>{
            "a valid C identifier must start with alphabetic character or '_', followed by a string of "
            "alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for "
            "validation is '[A-Za-z_][A-Za-z0-9_]*')"});
  for (const char* good : {"A", "my.env-name", "MY_ENV.NAME", "MyEnvName1", "-x", ".x"}) {
    INFO(good);
    CHECK(v::is_env_var_name(good).empty());
  }
  for (const char* bad : {"", "1a", "a b", "a=b"}) CHECK_FALSE(v::is_env_var_name(bad).empty());
  CHECK(v::is_env_var_name(".") == std::vector<std::string>{"must not be '.'"});
  CHECK(v::is_env_var_name("..") == std::vector<std::string>{"must not be '..'"});
  CHECK(v::is_env_var_name("..a") == std::vector<std::string>{"must not start with '..'"});
  CHECK(v::is_env_var_name("1") ==
        std::vector<std::string>{
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or "
            "'.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
            "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"});
}

TEST_CASE("is_config_map_key", "[validation]") {
  for (const char* good : {"a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this",
                           "THIS_IS_GOOD", "so_is_this_17"}) {
    CHECK(v::is_config_map_key(good).empty());
  }
  for (const char* bad : {".", "..", "..bad", "b*d", "bad!&bad", ""}) {
    INFO(bad);
    CHECK_FALSE(v::is_config_map_key(bad).empty());
  }
}

TEST_CASE("generate_name truncates the base and appends five characters", "[validation]") {
  size_t next = 0;
  auto counter = [&next](size_t n) { return next++ % n; };
  CHECK(v::generate_name("web-", counter) == "web-bcdfg");
  std::string long_base = rep('x', 80);
  std::string name = v::generate_name(long_base, counter);
  CHECK(name.size() == 63);
  CHECK(name.substr(0, 58) == rep('x', 58));

  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string random_name = v::generate_name("pod-");
    REQUIRE(random_name.size() == 9);
    for (char c : random_name.substr(4)) CHECK(v::kGeneratedNameAlphabet.find(c) != std::string_view::npos);
    CHECK(v::is_dns1123_label(random_name).empty());
    seen.insert(random_name);
  }
  CHECK(seen.size() > 40);
  // A misbehaving source still yields characters from the alphabet.
  CHECK(v::generate_name("", [](size_t) { return size_t{1000}; }).size() == 5);
}
