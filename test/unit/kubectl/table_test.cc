// Server Tables printed as kubectl prints them.

#include "printers/table.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace kscratch::kubectl;

namespace {

boost::json::object table() {
  return boost::json::parse(R"({"kind":"Table","columnDefinitions":[
    {"name":"Name","type":"string","format":"name","priority":0},
    {"name":"Ready","type":"string","format":"","priority":0},
    {"name":"Node","type":"string","format":"","priority":1},
    {"name":"Age","type":"string","format":"","priority":0}],
   "rows":[{"cells":["web-abc","1/1","n1","5m"],"object":{"metadata":{"name":"web-abc","namespace":"default","labels":{"b":"2","a":"1"}}}},
           {"cells":["x","0/1",null,"12s"],"object":{"metadata":{"name":"x","namespace":"other"}}}]})")
      .as_object();
}

std::string print(TableOptions o) {
  TablePrinter p(std::move(o));
  TabWriter w;
  p.print(table(), w);
  return w.flush();
}

}  // namespace

TEST_CASE("default columns, then wide ones") {
  CHECK(print({}) ==
        "NAME      READY   AGE\n"
        "web-abc   1/1     5m\n"
        "x         0/1     12s\n");
  CHECK(print({.wide = true}) ==
        "NAME      READY   NODE   AGE\n"
        "web-abc   1/1     n1     5m\n"
        "x         0/1            12s\n");
}

TEST_CASE("namespace, labels, kind prefix and no headers") {
  CHECK(print({.no_headers = true, .with_namespace = true, .show_labels = true, .kind_prefix = "pod"}) ==
        "default   pod/web-abc   1/1   5m    a=1,b=2\n"
        "other     pod/x         0/1   12s   <none>\n");
}

TEST_CASE("headers print once for the same columns, and not for an empty table") {
  TablePrinter p({});
  TabWriter w;
  boost::json::object empty = table();
  empty["rows"] = boost::json::array();
  p.print(empty, w);
  CHECK(w.flush().empty());
  p.print(table(), w);
  p.print(table(), w);
  auto text = w.flush();
  CHECK(text.find("NAME") == 0);
  CHECK(text.find("NAME", 1) == std::string::npos);
}
