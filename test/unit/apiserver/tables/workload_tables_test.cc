// Deployment and ReplicaSet rows against upstream's printDeployment and printReplicaSet.

#include <catch2/catch.hpp>

#include "tables.h"
#include "test_support.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;
using namespace std::chrono_literals;

namespace {

// A workload created three days ago, with two containers in its pod template.
boost::json::object workload(std::string_view name, std::string_view spec_fields,
                             std::string_view status) {
  return t::object(std::string(R"({"metadata":{"name":")") + std::string(name) +
                   R"(","creationTimestamp":")" + t::ago(72h) + R"("},"spec":{)" +
                   std::string(spec_fields) +
                   R"("template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},
                     {"name":"log","image":"busybox:1.36"}]}}},"status":)" + std::string(status) +
                   "}");
}

}  // namespace

TEST_CASE("deployment columns are upstream's", "[tables][deployment]") {
  t::check_columns(tables::deployment_columns(),
                   {"Name:string:0", "Ready:string:0", "Up-to-date:string:0", "Available:string:0",
                    "Age:string:0", "Containers:string:1", "Images:string:1", "Selector:string:1"});
  CHECK(tables::deployment_columns()[1].description == "Number of the pod with ready state");
}

TEST_CASE("deployment two of three ready", "[tables][deployment]") {
  auto object = workload("web", R"("replicas":3,"selector":{"matchLabels":{"app":"web"}},)",
                         R"({"replicas":3,"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2})");
  CHECK(tables::deployment_row(object, t::now()) ==
        t::array(R"(["web","2/3",3,2,"3d","nginx,log","nginx:1.27,busybox:1.36","app=web"])"));
}

TEST_CASE("deployment selectors print as upstream's Selector.String()", "[tables][deployment]") {
  auto with = [](std::string_view selector) {
    auto object = workload("web", std::string(R"("replicas":1,"selector":)") +
                                      std::string(selector) + ",",
                           "{}");
    return tables::deployment_row(object, t::now())[7];
  };
  CHECK(with(R"({"matchLabels":{"tier":"fe","app":"web"},
                 "matchExpressions":[{"key":"env","operator":"In","values":["prod","qa"]}]})") ==
        "app=web,env in (prod,qa),tier=fe");
  CHECK(with("{}") == "");
  CHECK(with("null") == "");
  CHECK(with(R"({"matchExpressions":[{"key":"env","operator":"Bogus"}]})") == "<invalid>");
}

TEST_CASE("deployment without status or replicas", "[tables][deployment]") {
  // The apiserver decodes an absent spec.replicas as its default, 1.
  auto object = workload("web", "", "{}");
  CHECK(tables::deployment_row(object, t::now()) ==
        t::array(R"(["web","0/1",0,0,"3d","nginx,log","nginx:1.27,busybox:1.36",""])"));
  auto scaled_down = workload("web", R"("replicas":0,)", "{}");
  CHECK(tables::deployment_row(scaled_down, t::now())[1] == "0/0");
}

TEST_CASE("replicaset columns are upstream's", "[tables][replicaset]") {
  t::check_columns(tables::replicaset_columns(),
                   {"Name:string:0", "Desired:integer:0", "Current:integer:0", "Ready:integer:0",
                    "Age:string:0", "Containers:string:1", "Images:string:1", "Selector:string:1"});
  CHECK(tables::replicaset_columns()[3].description ==
        "The number of ready replicas for this replica set.");
}

TEST_CASE("replicaset row", "[tables][replicaset]") {
  auto object = workload(
      "web-5d9c",
      R"("replicas":3,"selector":{"matchLabels":{"pod-template-hash":"5d9c","app":"web"}},)",
      R"({"replicas":3,"readyReplicas":2})");
  CHECK(tables::replicaset_row(object, t::now()) ==
        t::array(R"(["web-5d9c",3,3,2,"3d","nginx,log","nginx:1.27,busybox:1.36",
                     "app=web,pod-template-hash=5d9c"])"));
}

TEST_CASE("replicaset selector uses FormatLabelSelector", "[tables][replicaset]") {
  auto empty = workload("rs", R"("replicas":1,"selector":{},)", "{}");
  CHECK(tables::replicaset_row(empty, t::now())[7] == "<none>");
  auto invalid = workload("rs", R"("selector":{"matchExpressions":[{"key":"a","operator":"In"}]},)", "{}");
  CHECK(tables::replicaset_row(invalid, t::now())[7] == "<error>");
  CHECK(tables::replicaset_row(invalid, t::now())[1] == 1);
}
