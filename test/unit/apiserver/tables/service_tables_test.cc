// Service, Endpoints and EndpointSlice rows against upstream's printService, formatEndpoints
// and the discovery formatters.

#include <catch2/catch.hpp>

#include "tables.h"
#include "test_support.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;
using namespace std::chrono_literals;

namespace {

boost::json::object with_meta(std::string_view name, std::string_view rest) {
  return t::object(std::string(R"({"metadata":{"name":")") + std::string(name) +
                   R"(","creationTimestamp":")" + t::ago(72h) + R"("},)" + std::string(rest) + "}");
}

boost::json::value service_cell(std::string_view spec, std::string_view status, size_t cell) {
  auto object = with_meta("s", std::string(R"("spec":)") + std::string(spec) + R"(,"status":)" +
                                   std::string(status));
  return tables::service_row(object, t::now())[cell];
}

}  // namespace

TEST_CASE("service columns are upstream's", "[tables][service]") {
  t::check_columns(tables::service_columns(),
                   {"Name:string:0", "Type:string:0", "Cluster-IP:string:0", "External-IP:string:0",
                    "Port(s):string:0", "Age:string:0", "Selector:string:1"});
  CHECK(tables::service_columns()[4].description ==
        "The list of ports that are exposed by this service. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/"
        "#virtual-ips-and-service-proxies");
}

TEST_CASE("NodePort service", "[tables][service]") {
  auto object = with_meta("web", R"("spec":{"type":"NodePort","clusterIP":"10.43.0.10",
      "clusterIPs":["10.43.0.10"],"selector":{"app":"web","tier":"fe"},
      "ports":[{"name":"http","port":80,"targetPort":8080,"nodePort":30080,"protocol":"TCP"},
               {"name":"https","port":443,"protocol":"TCP"}]})");
  CHECK(tables::service_row(object, t::now()) ==
        t::array(R"(["web","NodePort","10.43.0.10","<none>","80:30080/TCP,443/TCP","3d",
                     "app=web,tier=fe"])"));
}

TEST_CASE("headless service", "[tables][service]") {
  auto object = with_meta("db", R"("spec":{"type":"ClusterIP","clusterIP":"None",
      "clusterIPs":["None"],"selector":{"app":"db"}})");
  CHECK(tables::service_row(object, t::now()) ==
        t::array(R"(["db","ClusterIP","None","<none>","<none>","3d","app=db"])"));
}

TEST_CASE("service external IPs by type", "[tables][service]") {
  CHECK(service_cell(R"({"type":"ClusterIP","externalIPs":["1.1.1.1","2.2.2.2"]})", "{}", 3) ==
        "1.1.1.1,2.2.2.2");
  CHECK(service_cell(R"({"type":"LoadBalancer"})", "{}", 3) == "<pending>");
  CHECK(service_cell(R"({"type":"LoadBalancer"})",
                     R"({"loadBalancer":{"ingress":[{"hostname":"lb.example.com"},{"ip":"1.2.3.4"},
                        {"ip":"1.2.3.4","hostname":"dup.example.com"}]}})",
                     3) == "1.2.3.4,lb.example.com");
  CHECK(service_cell(R"({"type":"LoadBalancer","externalIPs":["5.6.7.8"]})",
                     R"({"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}})", 3) == "1.2.3.4,5.6.7.8");
  CHECK(service_cell(R"({"type":"ExternalName","externalName":"db.example.com"})", "{}", 3) ==
        "db.example.com");
  CHECK(service_cell(R"({"type":"Weird"})", "{}", 3) == "<unknown>");
}

TEST_CASE("service defaults applied on decode", "[tables][service]") {
  // An absent type is ClusterIP and an absent protocol TCP, as upstream's decoding defaults them.
  auto object = with_meta("dns", R"("spec":{"clusterIPs":["10.43.0.10","fd00::a"],
      "ports":[{"port":53,"protocol":"UDP"},{"port":53}]})");
  CHECK(tables::service_row(object, t::now()) ==
        t::array(R"(["dns","ClusterIP","10.43.0.10","<none>","53/UDP,53/TCP","3d","<none>"])"));
}

TEST_CASE("endpoints columns are upstream's", "[tables][endpoints]") {
  t::check_columns(tables::endpoints_columns(),
                   {"Name:string:0", "Endpoints:string:0", "Age:string:0"});
}

TEST_CASE("endpoints list three addresses then the rest as a count", "[tables][endpoints]") {
  auto object = with_meta("web", R"("subsets":[{"addresses":[{"ip":"10.42.0.5"},{"ip":"10.42.0.6"}],
      "ports":[{"port":8080},{"name":"metrics","port":9090}]}])");
  CHECK(tables::endpoints_row(object, t::now()) ==
        t::array(R"(["web","10.42.0.5:8080,10.42.0.6:8080,10.42.0.5:9090 + 1 more...","3d"])"));
}

TEST_CASE("endpoints edge cases", "[tables][endpoints]") {
  auto cell = [](std::string_view subsets) {
    return tables::endpoints_row(with_meta("e", std::string(R"("subsets":)") + std::string(subsets)),
                                 t::now())[1];
  };
  CHECK(cell("[]") == "<none>");
  CHECK(tables::endpoints_row(with_meta("e", R"("x":1)"), t::now())[1] == "<none>");
  CHECK(cell(R"([{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]}])") == "10.0.0.1,10.0.0.2");
  CHECK(cell(R"([{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":80}]}])") == "[fd00::1]:80");
  CHECK(cell(R"([{"notReadyAddresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}])") == "");
  CHECK(cell(R"([{"addresses":[{"ip":"a"},{"ip":"b"},{"ip":"c"},{"ip":"d"},{"ip":"e"}]}])") ==
        "a,b,c + 2 more...");
}

TEST_CASE("endpointslice columns are upstream's", "[tables][endpointslice]") {
  t::check_columns(tables::endpointslice_columns(),
                   {"Name:string:0", "AddressType:string:0", "Ports:string:0",
                    "Endpoints:string:0", "Age:string:0"});
}

TEST_CASE("endpointslice row", "[tables][endpointslice]") {
  auto object = with_meta("web-abc12", R"("addressType":"IPv4",
      "ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"grpc"},{}],
      "endpoints":[{"addresses":["10.42.0.5"]},{"addresses":["10.42.0.6","10.42.0.7","10.42.0.8"]}])");
  CHECK(tables::endpointslice_row(object, t::now()) ==
        t::array(R"(["web-abc12","IPv4","80,grpc,*","10.42.0.5,10.42.0.6,10.42.0.7 + 1 more...","3d"])"));
  CHECK(tables::endpointslice_row(with_meta("empty", R"("addressType":"IPv6")"), t::now()) ==
        t::array(R"(["empty","IPv6","<unset>","<unset>","3d"])"));
}
