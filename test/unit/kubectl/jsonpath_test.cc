// kubectl's JSONPath templates.

#include "printers/jsonpath.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace kscratch::kubectl::jsonpath;

namespace {

const char* kList = R"({"kind":"List","items":[
  {"metadata":{"name":"a","labels":{"app":"web","app.kubernetes.io/name":"x"}},"spec":{"replicas":2,"containers":[{"name":"c1","image":"i1"},{"name":"c2","image":"i2"}]}},
  {"metadata":{"name":"b"},"spec":{"replicas":0,"containers":[{"name":"c3","image":"i3"}]}}]})";

std::string run(const std::string& t) {
  auto tmpl = Template::parse(t);
  REQUIRE(tmpl.ok());
  auto out = tmpl->execute(boost::json::parse(kList));
  REQUIRE(out.ok());
  return *out;
}

}  // namespace

TEST_CASE("fields, wildcards, indexes and slices") {
  CHECK(run("{.items[*].metadata.name}") == "a b");
  CHECK(run("{.items[0].spec.containers[-1].image}") == "i2");
  CHECK(run("{.items[0:1].metadata.name}") == "a");
  CHECK(run("{.items[0].spec.replicas}") == "2");
  CHECK(run("{.items[0].metadata.labels}") == R"({"app":"web","app.kubernetes.io/name":"x"})");
  CHECK(run("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}") == "x");
  CHECK(run("{.items[0].metadata.labels['app.kubernetes.io/name']}") == "x");
  CHECK(run("{.missing}") == "");
  CHECK(run("{..image}") == "i1 i2 i3");
}

TEST_CASE("range, literals and filters") {
  CHECK(run(R"({range .items[*]}{.metadata.name}{"\t"}{.spec.replicas}{"\n"}{end})") == "a\t2\nb\t0\n");
  CHECK(run(R"({.items[?(@.spec.replicas>0)].metadata.name})") == "a");
  CHECK(run(R"({.items[?(@.metadata.name=="b")].spec.containers[*].name})") == "c3");
  CHECK(run(R"({.items[?(@.metadata.labels)].metadata.name})") == "a");
  CHECK(run("names: {.items[*].metadata.name}!") == "names: a b!");
}

TEST_CASE("malformed templates are refused") {
  CHECK_FALSE(Template::parse("{.items").ok());
  CHECK_FALSE(Template::parse("{range .items[*]}{.x}").ok());
  CHECK_FALSE(Template::parse("{end}").ok());
}
