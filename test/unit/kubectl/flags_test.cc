// kubectl's pflag rules: flags anywhere, the forms of values, unknown flags declined.

#include "flags.h"

#include <catch2/catch.hpp>

using namespace kscratch::kubectl;

namespace {
const std::vector<FlagSpec> kGet{{"output", 'o'}, {"all-namespaces", 'A', false}, {"selector", 'l'}};

ParsedArgs parse(std::vector<std::string> args) {
  auto result = parse_args(args, kGet);
  REQUIRE(std::holds_alternative<ParsedArgs>(result));
  return std::get<ParsedArgs>(result);
}
}  // namespace

TEST_CASE("the verb is the first argument that is not a flag or a global flag's value") {
  CHECK(find_verb({"-n", "kube-system", "get", "pods"}) == "get");
  CHECK(find_verb({"--namespace=x", "get"}) == "get");
  CHECK(find_verb({"-nfoo", "delete"}) == "delete");
  CHECK(find_verb({"--insecure-skip-tls-verify", "version"}) == "version");
  CHECK_FALSE(find_verb({"-n", "x"}).has_value());
}

TEST_CASE("values come as --name=value, --name value, -x value, -xvalue and -x=value") {
  auto a = parse({"get", "pods", "-o", "yaml", "-A", "--selector=app=web", "-n", "ns1"});
  CHECK(a.positional == std::vector<std::string>{"pods"});
  CHECK(a.get("output") == "yaml");
  CHECK(a.flag("all-namespaces"));
  CHECK(a.get("selector") == "app=web");
  CHECK(a.get("namespace") == "ns1");
  auto b = parse({"-owide", "get", "deploy", "-l=x"});
  CHECK(b.get("output") == "wide");
  CHECK(b.get("selector") == "x");
  CHECK(b.positional == std::vector<std::string>{"deploy"});
}

TEST_CASE("booleans take values only after '=' and -- ends the flags") {
  auto a = parse({"get", "--all-namespaces=false", "pods", "--", "-x"});
  CHECK_FALSE(a.flag("all-namespaces"));
  CHECK(a.positional == std::vector<std::string>{"pods", "-x"});
}

TEST_CASE("an unknown flag is reported as such so the command can go elsewhere") {
  auto r = parse_args({"get", "pods", "--sort-by=.metadata.name"}, kGet);
  REQUIRE(std::holds_alternative<ParseError>(r));
  CHECK(std::get<ParseError>(r).unknown_flag);
  auto missing = parse_args({"get", "pods", "-o"}, kGet);
  REQUIRE(std::holds_alternative<ParseError>(missing));
  CHECK_FALSE(std::get<ParseError>(missing).unknown_flag);
}

TEST_CASE("short booleans combine (-it), the first flag with a value takes the rest") {
  const std::vector<FlagSpec> exec{{"stdin", 'i', false}, {"tty", 't', false}, {"container", 'c'}};
  auto r = parse_args({"exec", "-it", "web", "-ic", "app", "-tcside", "--", "sh"}, exec);
  REQUIRE(std::holds_alternative<ParsedArgs>(r));
  auto& a = std::get<ParsedArgs>(r);
  CHECK(a.flag("stdin"));
  CHECK(a.flag("tty"));
  CHECK(a.all("container") == std::vector<std::string>{"app", "side"});
  CHECK(a.positional == std::vector<std::string>{"web", "sh"});
  auto unknown = parse_args({"exec", "-ix", "web"}, exec);
  REQUIRE(std::holds_alternative<ParseError>(unknown));
  CHECK(std::get<ParseError>(unknown).unknown_flag);
}
