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
