// State the apiserver follows from the store (store_follower.h): the Service address
// cache and the namespace cache, against a real store in a temporary directory.

#include "rest/api.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

using namespace kscratch;
using namespace kscratch::apiserver;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

json::object service(const std::string& ip, int node_port) {
  return json::parse(R"({"kind":"Service","spec":{"clusterIP":")" + ip +
                     R"(","ports":[{"port":80,"nodePort":)" + std::to_string(node_port) + "}]}}")
      .as_object();
}

// Runs the loop until `done` holds (or a second passes).
template <class F>
bool run_until(asio::io_context& io, F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  io.restart();
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(5));
  return done();
}

struct Follow {
  testing::TempDir dir;
  asio::io_context io;
  std::shared_ptr<store::Store> db;

  Follow() {
    store::StoreOptions o;
    o.path = dir.path() / "state.db";
    db = *store::open_store(io, o);
  }
  ~Follow() {
    db->close();
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
  }
  store::Revision put(const std::string& key, const json::object& o) {
    auto written = testing::run_coro(io, db->create(key, json::serialize(o)));
    REQUIRE(written.has_value());
    return written->revision;
  }
};

}  // namespace

TEST_CASE("the Service address cache follows stored Services") {
  rest::ServiceAllocationCache cache;  // outlives f, whose end stops the following
  Follow f;
  auto prefix = rest::key_prefix(*apiserver::find_resource("", "v1", "services"), "");
  f.put(prefix + "default/a", service("10.43.0.5", 30001));

  CHECK_FALSE(cache.allocations());  // not listed yet: callers read the store
  asio::co_spawn(f.io, cache.run(*f.db, prefix), asio::detached);
  REQUIRE(run_until(f.io, [&] { return cache.synced(); }));
  auto held = *cache.allocations();
  CHECK(held.ips.count(*rest::parse_ipv4("10.43.0.5")));
  CHECK(held.node_ports.count(30001));

  SECTION("a write is counted as soon as it lands, before its watch event") {
    auto b = service("10.43.0.6", 30002);
    auto rev = f.put(prefix + "default/b", b);
    cache.record(prefix + "default/b", rev, b);
    held = *cache.allocations();
    CHECK(held.ips.count(*rest::parse_ipv4("10.43.0.6")));
    CHECK(held.node_ports.count(30002));
    // The watch event that follows changes nothing.
    REQUIRE(run_until(f.io, [&] { return false; }) == false);
    CHECK(cache.allocations()->ips.size() == 2);
  }

  SECTION("a deleted Service frees its addresses") {
    auto removed = testing::run_coro(f.io, f.db->remove(prefix + "default/a", 0));
    REQUIRE(removed.has_value());
    REQUIRE(run_until(f.io, [&] { return cache.allocations()->ips.empty(); }));
    CHECK(cache.allocations()->node_ports.empty());
  }

  SECTION("two Services holding one port count it until both are gone") {
    f.put(prefix + "other/a", service("10.43.0.7", 30001));
    auto removed = testing::run_coro(f.io, f.db->remove(prefix + "default/a", 0));
    REQUIRE(removed.has_value());
    REQUIRE(run_until(f.io, [&] { return !cache.allocations()->ips.count(*rest::parse_ipv4("10.43.0.5")); }));
    CHECK(cache.allocations()->node_ports.count(30001));
  }
}

TEST_CASE("the namespace cache knows which namespaces are terminating") {
  rest::NamespaceCache cache;
  Follow f;
  auto prefix = rest::key_prefix(*apiserver::find_resource("", "v1", "namespaces"), "");
  f.put(prefix + "live", json::parse(R"({"kind":"Namespace","metadata":{"name":"live"}})").as_object());
  CHECK_FALSE(cache.find("live"));
  asio::co_spawn(f.io, cache.run(*f.db, prefix), asio::detached);
  REQUIRE(run_until(f.io, [&] { return cache.synced(); }));
  REQUIRE(cache.find("live"));
  CHECK_FALSE(cache.find("live")->terminating);
  CHECK_FALSE(cache.find("unknown"));  // the caller asks the store

  f.put(prefix + "going",
        json::parse(R"({"kind":"Namespace","metadata":{"name":"going","deletionTimestamp":"2026-01-01T00:00:00Z"}})")
            .as_object());
  REQUIRE(run_until(f.io, [&] { return cache.find("going").has_value(); }));
  CHECK(cache.find("going")->terminating);
}
