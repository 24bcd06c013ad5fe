#include "rest/services.h"

#include "kscratch/apiserver/resource.h"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace kscratch::apiserver;
using namespace kscratch::apiserver::rest;
namespace json = boost::json;

namespace {
json::object service(const char* text) { return json::parse(text).as_object(); }
const Resource& services() { return *find_resource("", "v1", "services"); }
}  // namespace

TEST_CASE("a ClusterIP is allocated in range, never twice", "[apiserver][services]") {
  ServiceAllocations used;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto s = service(R"({"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}})");
    REQUIRE_FALSE(allocate_service(services(), s, nullptr, used));
    auto ip = std::string(s["spec"].as_object()["clusterIP"].as_string());
    CHECK(ip.rfind("10.43.", 0) == 0);
    CHECK(ip != "10.43.0.1");
    CHECK(seen.insert(ip).second);
  }
}

TEST_CASE("dynamic ClusterIPs stay out of the low band kept for fixed ones", "[apiserver][services]") {
  ServiceAllocations used;
  for (int i = 0; i < 500; ++i) {
    auto s = service(R"({"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}})");
    REQUIRE_FALSE(allocate_service(services(), s, nullptr, used));
    auto ip = parse_ipv4(std::string(s["spec"].as_object()["clusterIP"].as_string()));
    REQUIRE(ip);
    CHECK((*ip & 0xFFFF) >= 256);
  }
  // kube-dns's fixed address is still free, and taken when asked for.
  auto dns = service(R"({"metadata":{"name":"kube-dns"},"spec":{"clusterIP":"10.43.0.10","ports":[{"port":53}]}})");
  REQUIRE_FALSE(allocate_service(services(), dns, nullptr, used));
  CHECK(dns["spec"].as_object()["clusterIP"].as_string() == "10.43.0.10");
}

TEST_CASE("a requested ClusterIP or node port that is taken is refused", "[apiserver][services]") {
  ServiceAllocations used;
  auto a = service(R"({"metadata":{"name":"a"},"spec":{"type":"NodePort","clusterIP":"10.43.0.20","ports":[{"port":80,"nodePort":30080}]}})");
  REQUIRE_FALSE(allocate_service(services(), a, nullptr, used));
  auto b = service(R"({"metadata":{"name":"b"},"spec":{"clusterIP":"10.43.0.20","ports":[{"port":80}]}})");
  auto e = allocate_service(services(), b, nullptr, used);
  REQUIRE(e);
  CHECK(e->code == 422);
  CHECK(e->message.find("provided IP is already allocated") != std::string::npos);
  auto c = service(R"({"metadata":{"name":"c"},"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}})");
  auto e2 = allocate_service(services(), c, nullptr, used);
  REQUIRE(e2);
  CHECK(e2->message == "Service \"c\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
  auto outside = service(R"({"metadata":{"name":"d"},"spec":{"clusterIP":"192.168.1.1","ports":[{"port":80}]}})");
  CHECK(allocate_service(services(), outside, nullptr, used));
}

TEST_CASE("updates keep the ClusterIP and node ports; headless stays headless", "[apiserver][services]") {
  ServiceAllocations used;
  auto old = service(R"({"metadata":{"name":"a"},"spec":{"type":"NodePort","ports":[{"port":80}]}})");
  REQUIRE_FALSE(allocate_service(services(), old, nullptr, used));
  auto next = service(R"({"metadata":{"name":"a"},"spec":{"type":"NodePort","ports":[{"port":80}]}})");
  REQUIRE_FALSE(allocate_service(services(), next, &old, used));
  CHECK(next["spec"].as_object()["clusterIP"] == old["spec"].as_object()["clusterIP"]);
  CHECK(next["spec"].as_object()["ports"].as_array()[0].as_object()["nodePort"] ==
        old["spec"].as_object()["ports"].as_array()[0].as_object()["nodePort"]);

  auto headless = service(R"({"metadata":{"name":"h"},"spec":{"clusterIP":"None","ports":[{"port":80}]}})");
  REQUIRE_FALSE(allocate_service(services(), headless, nullptr, used));
  CHECK(headless["spec"].as_object()["clusterIP"] == "None");
}
