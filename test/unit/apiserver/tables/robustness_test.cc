// Malformed objects: every printer returns one cell per column and never throws, whatever the
// JSON types of the fields it reads.

#include <catch2/catch.hpp>

#include "tables.h"
#include "test_support.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;

namespace {

struct Printer {
  const char* kind;
  std::vector<kscratch::apiserver::TableColumn> (*columns)();
  boost::json::array (*row)(const boost::json::object&, kscratch::apiserver::Clock::time_point);
};

const Printer kPrinters[] = {
    {"default", tables::default_columns, tables::default_row},
    {"namespace", tables::namespace_columns, tables::namespace_row},
    {"node", tables::node_columns, tables::node_row},
    {"pod", tables::pod_columns, tables::pod_row},
    {"service", tables::service_columns, tables::service_row},
    {"endpoints", tables::endpoints_columns, tables::endpoints_row},
    {"configmap", tables::configmap_columns, tables::configmap_row},
    {"secret", tables::secret_columns, tables::secret_row},
    {"event", tables::event_columns, tables::event_row},
    {"serviceaccount", tables::serviceaccount_columns, tables::serviceaccount_row},
    {"deployment", tables::deployment_columns, tables::deployment_row},
    {"replicaset", tables::replicaset_columns, tables::replicaset_row},
    {"endpointslice", tables::endpointslice_columns, tables::endpointslice_row},
    {"lease", tables::lease_columns, tables::lease_row},
};

// Objects whose fields have the wrong JSON types at every level the printers read.
const char* kMalformed[] = {
    R"({})",
    R"({"metadata":"x","spec":[],"status":5})",
    R"({"metadata":{"name":7,"creationTimestamp":12,"deletionTimestamp":true,"labels":[1]},
        "spec":{"containers":"x","initContainers":[1,null,{"name":3}],"readinessGates":[null],
                "replicas":"3","selector":"app=x","template":{"spec":{"containers":[null,{"image":1}]}},
                "ports":[null,{"port":"80","nodePort":1.5}],"type":3,"externalIPs":[1,"1.1.1.1"],
                "clusterIPs":[5],"unschedulable":"yes","holderIdentity":4},
        "status":{"conditions":[1,{"type":"Ready","status":true}],"containerStatuses":[null,
                  {"state":"x","lastState":{"terminated":{"finishedAt":5}},"restartCount":"2"}],
                  "initContainerStatuses":{"a":1},"podIPs":[null],"addresses":"x","nodeInfo":[],
                  "loadBalancer":{"ingress":[null,{"ip":3}]},"replicas":1e300,"readyReplicas":-1.5},
        "subsets":[null,{"addresses":[null],"ports":[null]}],"endpoints":[{"addresses":[1]}],
        "involvedObject":[],"series":{"count":"x"},"source":"x","data":"x","secrets":{}})",
    R"({"metadata":{"name":"n"},"spec":{"selector":{"matchLabels":{"a":1}}},
        "status":{"initContainerStatuses":[{"name":"a","state":{"terminated":{"exitCode":"1"}}}]}})",
    R"({"spec":{"replicas":18446744073709551615},"status":{"replicas":-9223372036854775808}})",
};

}  // namespace

TEST_CASE("printers tolerate malformed objects", "[tables][robustness]") {
  for (const Printer& printer : kPrinters) {
    const size_t width = printer.columns().size();
    for (const char* text : kMalformed) {
      INFO(printer.kind << " " << text);
      boost::json::array row;
      REQUIRE_NOTHROW(row = printer.row(t::object(text), t::now()));
      CHECK(row.size() == width);
      for (const boost::json::value& cell : row) CHECK((cell.is_string() || cell.is_int64()));
    }
  }
}

TEST_CASE("an empty pod prints upstream's zero values", "[tables][robustness]") {
  CHECK(tables::pod_row(t::object("{}"), t::now()) ==
        t::array(R"(["","0/0","","0","<unknown>","<none>","<none>","<none>","<none>"])"));
  CHECK(tables::service_row(t::object("{}"), t::now()) ==
        t::array(R"(["","ClusterIP","<none>","<none>","<none>","<unknown>","<none>"])"));
}
