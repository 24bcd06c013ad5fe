// Node rows against upstream's printNode.

#include <catch2/catch.hpp>

#include "tables.h"
#include "test_support.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;
using namespace std::chrono_literals;

namespace {

boost::json::object node(std::string_view labels, std::string_view spec, std::string_view status) {
  return t::object(std::string(R"({"metadata":{"name":"n1","creationTimestamp":")") + t::ago(72h) +
                   R"(","labels":)" + std::string(labels) + R"(},"spec":)" + std::string(spec) +
                   R"(,"status":)" + std::string(status) + "}");
}

std::string status_cell(std::string_view spec, std::string_view conditions) {
  auto object = node("{}", spec, std::string(R"({"conditions":)") + std::string(conditions) + "}");
  return std::string(tables::node_row(object, t::now())[1].as_string());
}

}  // namespace

TEST_CASE("node columns are upstream's", "[tables][node]") {
  t::check_columns(tables::node_columns(),
                   {"Name:string:0", "Status:string:0", "Roles:string:0", "Age:string:0",
                    "Version:string:0", "Internal-IP:string:1", "External-IP:string:1",
                    "OS-Image:string:1", "Kernel-Version:string:1", "Container-Runtime:string:1"});
  auto columns = tables::node_columns();
  CHECK(columns[4].description == "Kubelet Version reported by the node.");
  CHECK(columns[5].description == columns[6].description);
}

TEST_CASE("ready control-plane node", "[tables][node]") {
  auto object = node(R"({"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/master":"true",
                         "kubernetes.io/hostname":"n1"})",
                     "{}",
                     R"j({"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                         "addresses":[{"type":"InternalIP","address":"10.0.0.5"},{"type":"Hostname","address":"n1"}],
                         "nodeInfo":{"kubeletVersion":"v1.32.0+kscratch","osImage":"Debian GNU/Linux 12 (bookworm)",
                           "kernelVersion":"6.1.0-18-amd64","containerRuntimeVersion":"containerd://1.7.24"}})j");
  CHECK(tables::node_row(object, t::now()) ==
        t::array(R"j(["n1","Ready","control-plane,master","3d","v1.32.0+kscratch","10.0.0.5","<none>",
                     "Debian GNU/Linux 12 (bookworm)","6.1.0-18-amd64","containerd://1.7.24"])j"));
}

TEST_CASE("node status", "[tables][node]") {
  CHECK(status_cell("{}", R"([{"type":"Ready","status":"True"}])") == "Ready");
  CHECK(status_cell(R"({"unschedulable":true})", R"([{"type":"Ready","status":"True"}])") ==
        "Ready,SchedulingDisabled");
  CHECK(status_cell("{}", R"([{"type":"Ready","status":"False"}])") == "NotReady");
  CHECK(status_cell("{}", R"([{"type":"Ready","status":"Unknown"}])") == "NotReady");
  CHECK(status_cell("{}", "[]") == "Unknown");
  CHECK(status_cell(R"({"unschedulable":true})", "[]") == "Unknown,SchedulingDisabled");
}

TEST_CASE("node roles", "[tables][node]") {
  auto roles = [](std::string_view labels) {
    return tables::node_row(node(labels, "{}", "{}"), t::now())[2];
  };
  CHECK(roles("{}") == "<none>");
  CHECK(roles(R"({"kubernetes.io/role":"worker"})") == "worker");
  CHECK(roles(R"({"kubernetes.io/role":"","node-role.kubernetes.io/":"x"})") == "<none>");
  CHECK(roles(R"({"node-role.kubernetes.io/worker":"","kubernetes.io/role":"worker","node-role.kubernetes.io/etcd":""})") ==
        "etcd,worker");
}

TEST_CASE("node without status reports unknowns", "[tables][node]") {
  auto object = node("{}", "{}", R"({"addresses":[{"type":"ExternalIP","address":"203.0.113.9"}]})");
  CHECK(tables::node_row(object, t::now()) ==
        t::array(R"(["n1","Unknown","<none>","3d","","<none>","203.0.113.9","<unknown>","<unknown>","<unknown>"])"));
}
