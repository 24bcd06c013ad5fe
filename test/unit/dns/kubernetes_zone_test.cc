// The cluster zone's answers, per the Kubernetes DNS specification and CoreDNS's
// kubernetes plugin, computed from an in-memory catalog.

#include "dns/kubernetes_zone.h"
#include "dns/names.h"
#include "map_catalog.h"

#include <catch2/catch.hpp>

using namespace kscratch::dns;
using namespace kscratch::dns::testing;

namespace {

MapCatalog cluster() {
  MapCatalog c;
  c.add(service("default", "web", "10.43.0.20", {{"http", 80}, {"dns", 53, "UDP"}, {"", 8080}}));
  c.add(slice("default", "web", "web-abc", {{"10.42.0.5"}, {"10.42.0.6", "", false}}, {{"http", 8080}}));
  c.add(service("default", "db", "None", {{"pg", 5432}}));
  c.add(slice("default", "db", "db-1", {{"10.42.0.7", "db-0"}, {"10.42.0.8"}, {"10.42.0.9", "", false}}, {{"pg", 5432}}));
  c.add(slice("default", "db", "db-2", {{"10.42.0.8"}}, {{"pg", 5432}}));
  c.add(service("default", "empty", "None"));
  c.add(external_name("default", "ext", "Example.ORG."));
  c.add(external_name("default", "inside", "web.default.svc.cluster.local"));
  c.add(service("kube-system", "kube-dns", "10.43.0.10", {{"dns", 53, "UDP"}, {"dns-tcp", 53}}));
  return c;
}

Answer ask(const std::string& name, std::uint16_t t = type::kA) {
  static MapCatalog c = cluster();
  static ZoneConfig zone;
  return lookup(Question{name, t, kClassIN}, c, zone);
}

std::vector<std::string> a_records(const Answer& a) {
  std::vector<std::string> out;
  for (const auto& rr : a.answers) {
    if (rr.type == type::kA) out.push_back(format_ipv4(std::get<A>(rr.data)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_nxdomain(const Answer& a) {
  CHECK_FALSE(a.forward);
  CHECK(a.authoritative);
  CHECK(a.rcode == rcode::kNXDomain);
  CHECK(a.answers.empty());
  REQUIRE(a.authority.size() == 1);
  const auto& soa = a.authority[0];
  CHECK(soa.type == type::kSOA);
  CHECK(soa.name == "cluster.local");
  CHECK(soa.ttl == 5);
  auto data = std::get<SOA>(soa.data);
  CHECK(data.mname == "ns.dns.cluster.local");
  CHECK(data.rname == "hostmaster.cluster.local");
  CHECK(data.serial == 42);
  CHECK(data.minimum == 5);
}

void check_nodata(const Answer& a) {
  CHECK_FALSE(a.forward);
  CHECK(a.rcode == rcode::kNoError);
  CHECK(a.answers.empty());
  REQUIRE(a.authority.size() == 1);
  CHECK(a.authority[0].type == type::kSOA);
}

}  // namespace

TEST_CASE("a ClusterIP service's name is its ClusterIP") {
  auto a = ask("web.default.svc.cluster.local");
  CHECK(a.authoritative);
  CHECK(a.rcode == rcode::kNoError);
  REQUIRE(a.answers.size() == 1);
  CHECK(a.answers[0].ttl == 5);
  CHECK(a_records(a) == std::vector<std::string>{"10.43.0.20"});
  // The owner is the name as asked (case and all); lookups ignore case.
  auto upper = ask("WEB.Default.SVC.Cluster.Local");
  CHECK(a_records(upper) == std::vector<std::string>{"10.43.0.20"});
  CHECK(upper.answers[0].name == "WEB.Default.SVC.Cluster.Local");
  CHECK(a_records(ask("kube-dns.kube-system.svc.cluster.local")) == std::vector<std::string>{"10.43.0.10"});
}

TEST_CASE("AAAA of a service is NOERROR and empty, with the SOA") {
  check_nodata(ask("web.default.svc.cluster.local", type::kAAAA));
  check_nodata(ask("db.default.svc.cluster.local", type::kAAAA));
  check_nodata(ask("10-42-0-5.default.pod.cluster.local", type::kAAAA));
}

TEST_CASE("a headless service's name is each ready endpoint, once") {
  auto a = ask("db.default.svc.cluster.local");
  CHECK(a_records(a) == std::vector<std::string>{"10.42.0.7", "10.42.0.8"});
  // No ready endpoints: the name exists, with no address.
  check_nodata(ask("empty.default.svc.cluster.local"));
}

TEST_CASE("an endpoint is named by its hostname, or by its address with dashes") {
  CHECK(a_records(ask("db-0.db.default.svc.cluster.local")) == std::vector<std::string>{"10.42.0.7"});
  CHECK(a_records(ask("10-42-0-8.db.default.svc.cluster.local")) == std::vector<std::string>{"10.42.0.8"});
  // CoreDNS answers endpoint names of ClusterIP services too.
  CHECK(a_records(ask("10-42-0-5.web.default.svc.cluster.local")) == std::vector<std::string>{"10.42.0.5"});
  check_nxdomain(ask("db-1.db.default.svc.cluster.local"));
  check_nxdomain(ask("10-42-0-9.db.default.svc.cluster.local"));  // not ready
}

TEST_CASE("SRV records name a ClusterIP service's port") {
  auto a = ask("_http._tcp.web.default.svc.cluster.local", type::kSRV);
  REQUIRE(a.answers.size() == 1);
  auto srv = std::get<SRV>(a.answers[0].data);
  CHECK(srv.port == 80);
  CHECK(srv.priority == 0);
  CHECK(srv.weight == 100);
  CHECK(srv.target == "web.default.svc.cluster.local");
  REQUIRE(a.additional.size() == 1);
  CHECK(a.additional[0].name == "web.default.svc.cluster.local");
  CHECK(format_ipv4(std::get<A>(a.additional[0].data)) == "10.43.0.20");

  auto udp = ask("_dns._udp.web.default.svc.cluster.local", type::kSRV);
  REQUIRE(udp.answers.size() == 1);
  CHECK(std::get<SRV>(udp.answers[0].data).port == 53);
  check_nxdomain(ask("_dns._tcp.web.default.svc.cluster.local", type::kSRV));
  check_nxdomain(ask("_nope._tcp.web.default.svc.cluster.local", type::kSRV));
  // The port name exists: asked for A, it is NOERROR and empty.
  check_nodata(ask("_http._tcp.web.default.svc.cluster.local", type::kA));
  // SRV at the service's own name: every port.
  CHECK(ask("web.default.svc.cluster.local", type::kSRV).answers.size() == 3);
}

TEST_CASE("SRV records of a headless service name each ready endpoint") {
  auto a = ask("_pg._tcp.db.default.svc.cluster.local", type::kSRV);
  REQUIRE(a.answers.size() == 2);  // 10.42.0.7 (db-0), 10.42.0.8 (once, though in two slices)
  std::vector<std::string> targets;
  for (const auto& rr : a.answers) {
    auto srv = std::get<SRV>(rr.data);
    CHECK(srv.port == 5432);
    CHECK(srv.weight == 50);
    targets.push_back(srv.target);
  }
  CHECK(std::count(targets.begin(), targets.end(), "db-0.db.default.svc.cluster.local") == 1);
  CHECK(std::count(targets.begin(), targets.end(), "10-42-0-8.db.default.svc.cluster.local") == 1);
  CHECK(a.additional.size() == 2);
}

TEST_CASE("PTR records for ClusterIPs and endpoint addresses") {
  auto a = ask("20.0.43.10.in-addr.arpa", type::kPTR);
  CHECK(a.authoritative);
  REQUIRE(a.answers.size() == 1);
  CHECK(std::get<NameData>(a.answers[0].data).name == "web.default.svc.cluster.local");
  auto e = ask("7.0.42.10.in-addr.arpa", type::kPTR);
  REQUIRE(e.answers.size() == 1);
  CHECK(std::get<NameData>(e.answers[0].data).name == "db-0.db.default.svc.cluster.local");
  auto d = ask("8.0.42.10.in-addr.arpa", type::kPTR);
  REQUIRE(d.answers.size() == 1);
  CHECK(std::get<NameData>(d.answers[0].data).name == "10-42-0-8.db.default.svc.cluster.local");
  // Addresses that are not the cluster's go to the host's resolvers.
  CHECK(ask("1.1.168.192.in-addr.arpa", type::kPTR).forward);
  CHECK(ask("9.0.42.10.in-addr.arpa", type::kPTR).forward);  // not ready
  CHECK(ask("0.42.10.in-addr.arpa", type::kPTR).forward);
}

TEST_CASE("pods by dashed address, without checking (pods insecure)") {
  CHECK(a_records(ask("10-42-0-99.default.pod.cluster.local")) == std::vector<std::string>{"10.42.0.99"});
  check_nxdomain(ask("10-42-0.default.pod.cluster.local"));
  check_nxdomain(ask("10-42-0-256.default.pod.cluster.local"));
  check_nxdomain(ask("x.10-42-0-1.default.pod.cluster.local"));
}

TEST_CASE("an ExternalName service is a CNAME") {
  auto a = ask("ext.default.svc.cluster.local");
  REQUIRE(a.answers.size() == 1);
  CHECK(a.answers[0].type == type::kCNAME);
  CHECK(std::get<NameData>(a.answers[0].data).name == "example.org");
  CHECK(a.chase == "example.org");  // its A records come from the upstream resolvers
  CHECK(ask("ext.default.svc.cluster.local", type::kCNAME).chase.empty());
  // A target in the zone is followed here.
  auto in = ask("inside.default.svc.cluster.local");
  REQUIRE(in.answers.size() == 2);
  CHECK(in.answers[0].type == type::kCNAME);
  CHECK(in.answers[1].name == "web.default.svc.cluster.local");
  CHECK(format_ipv4(std::get<A>(in.answers[1].data)) == "10.43.0.20");
}

TEST_CASE("unknown names in the zone are NXDOMAIN with the SOA") {
  check_nxdomain(ask("nope.default.svc.cluster.local"));
  check_nxdomain(ask("web.other.svc.cluster.local"));
  check_nxdomain(ask("a.b.c.d.e.f.svc.cluster.local"));
  check_nxdomain(ask("something.cluster.local"));
  check_nxdomain(ask("default.svc.cluster.local"));
}

TEST_CASE("the names a pod's search path makes first are NXDOMAIN, quickly") {
  // With ndots:5, `web.default.svc.cluster.local` and `example.org` are tried under
  // each search domain before as they are.
  for (const char* name : {"web.default.svc.cluster.local.default.svc.cluster.local",
                           "web.default.svc.cluster.local.svc.cluster.local",
                           "web.default.svc.cluster.local.cluster.local", "example.org.default.svc.cluster.local",
                           "example.org.svc.cluster.local", "example.org.cluster.local"}) {
    INFO(name);
    check_nxdomain(ask(name));
  }
  // `web` under the pod's namespace's search domain is the service.
  CHECK(a_records(ask("web.default.svc.cluster.local")) == std::vector<std::string>{"10.43.0.20"});
}

TEST_CASE("the zone's apex, and its schema version") {
  auto soa = ask("cluster.local", type::kSOA);
  REQUIRE(soa.answers.size() == 1);
  CHECK(soa.answers[0].type == type::kSOA);
  auto ns = ask("cluster.local", type::kNS);
  REQUIRE(ns.answers.size() == 1);
  CHECK(std::get<NameData>(ns.answers[0].data).name == "ns.dns.cluster.local");
  check_nodata(ask("cluster.local", type::kA));
  check_nodata(ask("svc.cluster.local", type::kA));
  auto version = ask("dns-version.cluster.local", type::kTXT);
  REQUIRE(version.answers.size() == 1);
  CHECK(std::get<TXT>(version.answers[0].data).strings == std::vector<std::string>{"1.1.0"});
}

TEST_CASE("names outside the zone are forwarded") {
  CHECK(ask("example.org").forward);
  CHECK(ask("cluster.local.example.org").forward);
  CHECK(ask("notcluster.local").forward);
  CHECK(ask("").forward);
  CHECK(ask("1.0.0.0.ip6.arpa", type::kPTR).forward);
}

TEST_CASE("another cluster domain") {
  MapCatalog c = cluster();
  ZoneConfig zone;
  zone.domain = "kscratch.test";
  zone.ttl = 30;
  auto a = lookup(Question{"web.default.svc.kscratch.test", type::kA, kClassIN}, c, zone);
  REQUIRE(a.answers.size() == 1);
  CHECK(a.answers[0].ttl == 30);
  CHECK(lookup(Question{"web.default.svc.cluster.local", type::kA, kClassIN}, c, zone).forward);
}
