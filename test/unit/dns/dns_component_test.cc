// run_dns against a real apiserver handler and store, in process: it creates
// kube-system/kube-dns at the --cluster-dns address with endpoints at its listen address,
// and answers from its informers as Services come and go. Forwarding has no upstream
// here (an empty resolv.conf), so nothing leaves the machine.

#include "api_fixture.h"
#include "exchange.h"
#include "kscratch/apimachinery/object.h"
#include "kscratch/dns/dns.h"
#include "dns/names.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>

using namespace kscratch;
using namespace kscratch::dns::testing;
namespace json = boost::json;
namespace obj = apimachinery::object;

namespace {

// A port free for both UDP and TCP on 127.0.0.1 (for a moment: good enough for a test).
std::uint16_t free_port(asio::io_context& io) {
  for (;;) {
    tcp::acceptor a(io, tcp::endpoint(kLoopback, 0));
    auto port = a.local_endpoint().port();
    boost::system::error_code ec;
    udp::socket u(io);
    u.open(udp::v4());
    u.bind(udp::endpoint(kLoopback, port), ec);
    if (!ec) return port;
  }
}

std::optional<dns::Message> ask(testing::ApiClientFixture& f, std::uint16_t port, const std::string& name,
                                std::uint16_t qtype = dns::type::kA) {
  return f.run(with_timeout(udp_exchange(port, query(name, 1, qtype))));
}

std::string first_a(const std::optional<dns::Message>& m) {
  if (!m) return "(no answer)";
  for (const auto& rr : m->answers) {
    if (rr.type == dns::type::kA) return dns::format_ipv4(std::get<dns::A>(rr.data));
  }
  return "(no A)";
}

}  // namespace

TEST_CASE("run_dns keeps kube-dns and answers from the cluster's Services") {
  testing::ApiClientFixture f;
  auto resolv_conf = f.dir.path() / "resolv.conf";
  std::ofstream(resolv_conf) << "search example.test\n";
  dns::DnsOptions options;
  options.listen_address = "127.0.0.1";
  options.port = free_port(f.io);
  options.node_name = "node-1";
  // Endpoints may not be loopback addresses: the objects name a (documentation) node IP.
  options.endpoint_address = "192.0.2.10";
  options.resolv_conf = resolv_conf;
  auto& dns_client = f.make_client("system:serviceaccount:kube-system:coredns", "kscratch-dns");
  f.background(dns::run_dns(dns_client, options));

  // The Service at the fixed ClusterIP, its Endpoints and EndpointSlice at the server.
  std::string ns = "kube-system", name = "kube-dns";
  client::Result<json::object> service = client::ApiError{};
  REQUIRE(f.eventually([&] {
    service = f.run(f.client->get(client::kinds::services, ns, name));
    return service.ok();
  }));
  const auto& spec = *obj::object_at(*service, "spec");
  CHECK(obj::string_at(spec, "clusterIP") == "10.43.0.10");
  CHECK(json::serialize(spec.at("ports")).find(R"("name":"dns-tcp")") != std::string::npos);
  CHECK(obj::labels_of(*service)["k8s-app"] == "kube-dns");
  CHECK_FALSE(spec.contains("selector"));

  client::Result<json::object> slice = client::ApiError{};
  REQUIRE(f.eventually([&] {
    slice = f.run(f.client->get(client::kinds::endpointslices, ns, name));
    return slice.ok();
  }));
  auto slice_text = json::serialize(*slice);
  CHECK(slice_text.find(R"("addresses":["192.0.2.10"])") != std::string::npos);
  CHECK(slice_text.find(fmt::format(R"("port":{})", options.port)) != std::string::npos);
  CHECK(obj::labels_of(*slice)["kubernetes.io/service-name"] == "kube-dns");
  CHECK(obj::labels_of(*slice)["endpointslice.kubernetes.io/managed-by"] == "dns.kscratch.io");
  auto endpoints = f.run(f.client->get(client::kinds::endpoints, ns, name));
  REQUIRE(endpoints);
  CHECK(json::serialize(*endpoints).find(R"("ip":"192.0.2.10")") != std::string::npos);

  // The server answers once its caches are filled.
  REQUIRE(f.eventually([&] { return first_a(ask(f, options.port, "kube-dns.kube-system.svc.cluster.local")) == "10.43.0.10"; }));

  // A new Service is answered as soon as the informer has it.
  json::object web = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
    "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80}]}})").as_object();
  std::string default_ns = "default";
  auto created = f.run(f.client->create(client::kinds::services, default_ns, web));
  REQUIRE(created);
  auto ip = obj::string_at(*obj::object_at(*created, "spec"), "clusterIP");
  REQUIRE(f.eventually([&] { return first_a(ask(f, options.port, "web.default.svc.cluster.local")) == ip; }));
  auto octets = dns::split_labels(ip);
  REQUIRE(octets.size() == 4);
  auto reverse_name = fmt::format("{}.{}.{}.{}.in-addr.arpa", octets[3], octets[2], octets[1], octets[0]);
  auto reverse = ask(f, options.port, reverse_name, dns::type::kPTR);
  REQUIRE(reverse);
  REQUIRE(reverse->answers.size() == 1);
  CHECK(std::get<dns::NameData>(reverse->answers[0].data).name == "web.default.svc.cluster.local");

  // Deleted, it is NXDOMAIN.
  std::string web_name = "web";
  REQUIRE(f.run(f.client->remove(client::kinds::services, default_ns, web_name, client::DeleteOptions{})));
  REQUIRE(f.eventually([&] {
    auto a = ask(f, options.port, "web.default.svc.cluster.local");
    return a && a->header.rcode == dns::rcode::kNXDomain;
  }));
  // Outside the zone, with no upstream: SERVFAIL, at once.
  auto outside = ask(f, options.port, "example.test");
  REQUIRE(outside);
  CHECK(outside->header.rcode == dns::rcode::kServFail);
}
