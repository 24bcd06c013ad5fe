// Whole-object printers: json as Go marshals it, name, custom-columns, lists.

#include "printers/objects.h"

#include "kscratch/apimachinery/yaml.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace kscratch::kubectl;

TEST_CASE("json prints keys sorted, four spaces, HTML characters escaped") {
  auto v = boost::json::parse(R"({"b":[1,2.5,{}],"a":"<none> & >","c":[],"d":{"y":null,"x":true}})");
  CHECK(kscratch::apimachinery::yaml::to_indented_json(v) ==
        "{\n"
        "    \"a\": \"\\u003cnone\\u003e \\u0026 \\u003e\",\n"
        "    \"b\": [\n"
        "        1,\n"
        "        2.5,\n"
        "        {}\n"
        "    ],\n"
        "    \"c\": [],\n"
        "    \"d\": {\n"
        "        \"x\": true,\n"
        "        \"y\": null\n"
        "    }\n"
        "}\n");
}

TEST_CASE("list items get the list's kind, and -o name prints kind.group/name") {
  auto list = boost::json::parse(R"({"kind":"DeploymentList","apiVersion":"apps/v1","items":[{"metadata":{"name":"web","managedFields":[]}}]})")
                  .as_object();
  auto items = items_of(list);
  REQUIRE(items.size() == 1);
  CHECK(qualified_name(items[0]) == "deployment.apps/web");
  auto wrapped = make_list(items);
  omit_managed_fields(wrapped);
  auto printer = ObjectPrinter::make("name", false);
  REQUIRE(printer.ok());
  CHECK(*printer->print(wrapped) == "deployment.apps/web\n");
  CHECK(kscratch::apimachinery::yaml::from_json(wrapped) ==
        "apiVersion: v1\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\nkind: List\n"
        "metadata:\n  resourceVersion: \"\"\n");
}

TEST_CASE("custom-columns: relaxed paths, <none> for nothing, values joined by commas") {
  auto list = boost::json::parse(R"({"kind":"List","apiVersion":"v1","items":[
    {"kind":"Pod","metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"image":"i1"},{"image":"i2"}]}},
    {"kind":"Pod","metadata":{"name":"bb"},"spec":{"containers":[]}}]})").as_object();
  auto printer = ObjectPrinter::make("custom-columns=NAME:metadata.name,IMAGES:.spec.containers[*].image,L:{.metadata.labels}", false);
  REQUIRE(printer.ok());
  CHECK(*printer->print(list) ==
        "NAME   IMAGES   L\n"
        "a      i1,i2    map[x:1]\n"
        "bb     <none>   <none>\n");
  CHECK_FALSE(ObjectPrinter::make("bogus", false).ok());
}
