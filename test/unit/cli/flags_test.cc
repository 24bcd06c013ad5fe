#include "flags/flags.h"

#include <catch2/catch.hpp>

using namespace kscratch::cli;
using namespace kscratch::cli::flags;

namespace {
template <class T, class P>
const T* as(const P& parsed) {
  return std::get_if<T>(&parsed);
}
}  // namespace

TEST_CASE("server flags fill the config, with k3s's defaults", "[cli]") {
  auto p = parse_server({});
  auto* c = as<ServerConfig>(p);
  REQUIRE(c);
  CHECK(c->data_dir == "/var/lib/kscratch");
  CHECK(c->https_listen_port == 6443);
  CHECK(c->write_kubeconfig == "/etc/kscratch/kubeconfig.yaml");
  CHECK_FALSE(c->disable_agent);

  auto q = parse_server({"-d", "/x", "--https-listen-port=7443", "--disable-agent", "-v=3", "--token", "T",
                         "--compaction-interval", "0"});
  auto* d = as<ServerConfig>(q);
  REQUIRE(d);
  CHECK(d->data_dir == "/x");
  CHECK(d->https_listen_port == 7443);
  CHECK(d->disable_agent);
  CHECK(d->verbosity == 3);
  CHECK(d->token == "T");
  CHECK(d->store.compaction_interval.count() == 0);
}

TEST_CASE("bad server flags are usage errors naming the flag", "[cli]") {
  for (auto args : std::vector<std::vector<std::string>>{{"--nope"},
                                                         {"--https-listen-port", "x"},
                                                         {"--https-listen-port", "0"},
                                                         {"--compaction-interval", "-1"},
                                                         {"positional"},
                                                         {"--data-dir"}}) {
    auto p = parse_server(args);
    auto* e = as<UsageError>(p);
    INFO(args[0]);
    REQUIRE(e);
    CHECK_FALSE(e->message.empty());
  }
  CHECK(as<Help>(parse_server({"--help"})));
}

TEST_CASE("agent flags require a server URL and a token", "[cli]") {
  CHECK(as<UsageError>(parse_agent({})));
  CHECK(as<UsageError>(parse_agent({"--server", "https://h:6443"})));
  CHECK(as<UsageError>(parse_agent({"--server", "h:6443", "--token", "t"})));
  auto p = parse_agent({"--server", "https://h:6443", "--token", "t", "--node-name", "n1"});
  auto* c = as<AgentConfig>(p);
  REQUIRE(c);
  CHECK(c->node.node_name == "n1");
}

TEST_CASE("cluster DNS flags: the kube-dns address and domain for pods, and where DNS listens", "[cli]") {
  auto p = parse_server({});
  auto* c = as<ServerConfig>(p);
  REQUIRE(c);
  CHECK(c->node.cluster_dns == "10.43.0.10");
  CHECK(c->node.cluster_domain == "cluster.local");
  CHECK(c->dns_bind_address.empty());  // the node IP
  CHECK(c->dns_port == 53);
  CHECK(c->dns_resolv_conf == "/etc/resolv.conf");

  auto q = parse_server({"--cluster-dns", "10.43.0.53", "--cluster-domain", "k.test.", "--dns-port", "0",
                         "--dns-bind-address", "127.0.0.1", "--dns-resolv-conf", "/tmp/r.conf"});
  auto* d = as<ServerConfig>(q);
  REQUIRE(d);
  CHECK(d->node.cluster_dns == "10.43.0.53");
  CHECK(d->node.cluster_domain == "k.test");
  CHECK(d->dns_port == 0);
  CHECK(d->dns_bind_address == "127.0.0.1");
  CHECK(d->dns_resolv_conf == "/tmp/r.conf");

  auto a = parse_agent({"--server", "https://s:6443", "--token", "T", "--cluster-dns", "10.43.0.11",
                        "--cluster-domain", "example.internal"});
  auto* agent = as<AgentConfig>(a);
  REQUIRE(agent);
  CHECK(agent->node.cluster_dns == "10.43.0.11");
  CHECK(agent->node.cluster_domain == "example.internal");

  for (auto args : std::vector<std::vector<std::string>>{{"--cluster-dns", "10.43.0"},
                                                         {"--cluster-dns", "10.43.0.256"},
                                                         {"--cluster-dns", "dns"},
                                                         {"--cluster-domain", "Bad_Domain"},
                                                         {"--cluster-domain", "a..b"},
                                                         {"--dns-port", "65536"},
                                                         {"--dns-bind-address", "::1"}}) {
    auto r = parse_server(args);
    auto* e = as<UsageError>(r);
    INFO(args[0] << " " << args[1]);
    REQUIRE(e);
    CHECK(e->message.find(args[0]) != std::string::npos);
  }
}
