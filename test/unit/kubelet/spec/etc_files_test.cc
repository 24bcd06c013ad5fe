// /etc/hosts, /etc/resolv.conf and /etc/hostname of pods.

#include "fake_source.h"
#include "kubelet/spec/etc_files.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace kscratch::kubelet::spec;
using test::parse_object;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

PodPlacement placement() {
  PodPlacement p;
  p.node_name = "node-a";
  p.host_ip = "192.168.1.10";
  p.pod_ip = "10.42.0.7";
  return p;
}

// A node's /etc with its own hosts and resolv.conf.
void host_etc(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "hosts") << "127.0.0.1 localhost\n192.168.1.10 node-a\n";
  std::ofstream(dir / "resolv.conf") << "# generated\nsearch corp.example. lab.example\nnameserver 192.168.1.1\n"
                                        "nameserver 192.168.1.2\noptions timeout:2 rotate\n";
}

}  // namespace

TEST_CASE("etc files: ClusterFirst pod") {
  test::TempDir tmp;
  host_etc(tmp.path() / "host");
  auto pod = parse_object(R"J({"metadata":{"name":"web-0","namespace":"shop"},
    "spec":{"hostname":"web-0","subdomain":"web","hostAliases":[{"ip":"10.0.0.5","hostnames":["db","db.local"]}]}})J");
  REQUIRE(write_pod_etc_files_from(pod, tmp.path() / "pod", placement(), tmp.path() / "host"));
  CHECK(slurp(tmp.path() / "pod/etc/hosts") ==
        "# Kubernetes-managed hosts file.\n"
        "127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\n"
        "fe00::0\tip6-mcastprefix\n"
        "fe00::1\tip6-allnodes\n"
        "fe00::2\tip6-allrouters\n"
        "10.42.0.7\tweb-0.web.shop.svc.cluster.local\tweb-0\n"
        "\n# Entries added by HostAliases.\n"
        "10.0.0.5\tdb\tdb.local\n");
  CHECK(slurp(tmp.path() / "pod/etc/resolv.conf") ==
        "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\n"
        "nameserver 10.43.0.10\n"
        "options ndots:5\n");
  CHECK(slurp(tmp.path() / "pod/etc/hostname") == "web-0\n");
}

TEST_CASE("etc files: plain pod name as hostname") {
  auto pod = parse_object(R"J({"metadata":{"name":"plain","namespace":"ns"},"spec":{}})J");
  auto hosts = managed_hosts_content(pod, placement());
  CHECK(hosts.ends_with("fe00::2\tip6-allrouters\n10.42.0.7\tplain\n"));
  auto long_name = parse_object(
      R"J({"metadata":{"name":"a123456789b123456789c123456789d123456789e123456789f123456789ab-tail"},"spec":{}})J");
  // Cut to 63 characters, then no trailing '-'.
  CHECK(pod_hostname(long_name, placement()).hostname == "a123456789b123456789c123456789d123456789e123456789f123456789ab");
}

TEST_CASE("etc files: Default and host network use the node's settings") {
  test::TempDir tmp;
  host_etc(tmp.path() / "host");
  auto pod = parse_object(R"J({"metadata":{"name":"p","namespace":"ns"},"spec":{"dnsPolicy":"Default"}})J");
  REQUIRE(write_pod_etc_files_from(pod, tmp.path() / "pod", placement(), tmp.path() / "host"));
  CHECK(slurp(tmp.path() / "pod/etc/resolv.conf") ==
        "search corp.example lab.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions timeout:2 rotate\n");

  auto host_net = parse_object(R"J({"metadata":{"name":"p","namespace":"ns"},"spec":{"hostNetwork":true,
      "hostAliases":[{"ip":"1.2.3.4","hostnames":["x"]}]}})J");
  REQUIRE(write_pod_etc_files_from(host_net, tmp.path() / "hn", placement(), tmp.path() / "host"));
  CHECK(slurp(tmp.path() / "hn/etc/resolv.conf") ==
        "search corp.example lab.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions timeout:2 rotate\n");
  CHECK(slurp(tmp.path() / "hn/etc/hosts") ==
        "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n192.168.1.10 node-a\n"
        "\n# Entries added by HostAliases.\n1.2.3.4\tx\n");
  CHECK(slurp(tmp.path() / "hn/etc/hostname") == "node-a\n");

  // ClusterFirstWithHostNet keeps the cluster's DNS.
  host_net["spec"].as_object()["dnsPolicy"] = "ClusterFirstWithHostNet";
  auto dns = pod_dns_config(host_net, placement(), parse_resolv_conf(slurp(tmp.path() / "host/resolv.conf")));
  CHECK(dns.servers == std::vector<std::string>{"10.43.0.10"});
}

TEST_CASE("etc files: None with dnsConfig, and dnsConfig merged into ClusterFirst") {
  DnsConfig host = parse_resolv_conf("search a.example\nnameserver 192.168.1.1\noptions ndots:1\n");
  auto none = parse_object(R"J({"metadata":{"name":"p","namespace":"ns"},"spec":{"dnsPolicy":"None",
      "dnsConfig":{"nameservers":["1.1.1.1"],"searches":["my.dns.search.suffix"],
                   "options":[{"name":"ndots","value":"2"},{"name":"edns0"}]}}})J");
  CHECK(format_resolv_conf(pod_dns_config(none, placement(), host)) ==
        "search my.dns.search.suffix\nnameserver 1.1.1.1\noptions ndots:2 edns0\n");

  auto merged = parse_object(R"J({"metadata":{"name":"p","namespace":"ns"},"spec":{
      "dnsConfig":{"nameservers":["10.43.0.10","8.8.8.8"],"searches":["cluster.local","x.example"],
                   "options":[{"name":"ndots","value":"3"},{"name":"single-request"}]}}})J");
  CHECK(format_resolv_conf(pod_dns_config(merged, placement(), host)) ==
        "search ns.svc.cluster.local svc.cluster.local cluster.local a.example x.example\n"
        "nameserver 10.43.0.10\nnameserver 8.8.8.8\n"
        "options ndots:3 single-request\n");

  // At most three nameservers.
  auto many = parse_object(R"J({"spec":{"dnsPolicy":"None","dnsConfig":{"nameservers":["1.1.1.1","2.2.2.2","3.3.3.3","4.4.4.4"]}}})J");
  CHECK(pod_dns_config(many, placement(), host).servers.size() == 3);
}
