// The cache: nodes, bound pods, and the assume / confirm / forget / expire lifecycle.

#include <catch2/catch.hpp>

#include "builders.h"
#include "kscratch/scheduler/cache.h"

namespace sched = kscratch::scheduler;
using namespace kscratch::scheduler::testing;
using namespace std::chrono_literals;

namespace {

int64_t cpu_on(const sched::Cache& cache, const std::string& node) {
  const sched::NodeInfo* info = cache.node(node);
  REQUIRE(info != nullptr);
  return info->requested().milli_cpu;
}

}  // namespace

TEST_CASE("nodes are parsed on add and update, listed, and removed", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1", "2"));
  cache.add_node(node_json("n2"));
  CHECK(cache.nodes().size() == 2);
  CHECK(cache.node("n1")->node().allocatable.milli_cpu == 2000);
  cache.update_node(node_json("n1", "8"));
  CHECK(cache.nodes().size() == 2);
  CHECK(cache.node("n1")->node().allocatable.milli_cpu == 8000);
  cache.remove_node("n1");
  CHECK(cache.nodes().size() == 1);
  CHECK(cache.nodes()[0]->name() == "n2");
  CHECK(cache.node("n1") == nullptr);
}

TEST_CASE("bound pods count on their node; updates replace; terminal pods leave", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1"));
  cache.add_pod(pod_json("pending", "1", ""));  // No nodeName: not the cache's business.
  CHECK(cache.pod_count() == 0);

  cache.add_pod(bound(pod_json("p", "500m", "1Gi"), "n1"));
  CHECK(cpu_on(cache, "n1") == 500);
  CHECK(cache.node("n1")->pod_count() == 1);
  cache.update_pod(bound(pod_json("p", "700m", "1Gi"), "n1"));
  CHECK(cpu_on(cache, "n1") == 700);
  CHECK(cache.node("n1")->pod_count() == 1);

  auto done = bound(pod_json("p", "700m", "1Gi"), "n1");
  done["status"] = {{"phase", "Succeeded"}};
  cache.update_pod(done);
  CHECK(cpu_on(cache, "n1") == 0);
  CHECK(cache.pod_count() == 0);

  cache.add_pod(bound(pod_json("q", "100m", ""), "n1"));
  cache.remove_pod(bound(pod_json("q", "100m", ""), "n1"));
  CHECK(cpu_on(cache, "n1") == 0);
}

TEST_CASE("assume counts at once; the bound pod confirms it without double counting", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1"));
  auto pod = sched::make_pod_info(pod_json("p", "1", "1Gi"));
  REQUIRE(cache.assume_pod(pod, "n1").ok());
  CHECK(cache.is_assumed("uid-p"));
  CHECK(cpu_on(cache, "n1") == 1000);

  auto again = cache.assume_pod(pod, "n1");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message == "pod uid-p(default/p) is in the cache, so can't be assumed");

  cache.finish_binding("uid-p", sched::Cache::Clock::time_point{});
  cache.add_pod(bound(pod_json("p", "1", "1Gi"), "n1"));  // The informer sees the binding.
  CHECK_FALSE(cache.is_assumed("uid-p"));
  CHECK(cpu_on(cache, "n1") == 1000);
  CHECK(cache.node("n1")->pod_count() == 1);
  // Confirmed pods never expire.
  CHECK(cache.cleanup_expired(sched::Cache::Clock::time_point{} + 1h) == 0);
  CHECK(cpu_on(cache, "n1") == 1000);
}

TEST_CASE("a pod confirmed on another node than assumed moves there", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1"));
  cache.add_node(node_json("n2"));
  REQUIRE(cache.assume_pod(sched::make_pod_info(pod_json("p", "1", "")), "n1").ok());
  cache.add_pod(bound(pod_json("p", "1", ""), "n2"));
  CHECK(cpu_on(cache, "n1") == 0);
  CHECK(cpu_on(cache, "n2") == 1000);
}

TEST_CASE("forget drops an assumed pod; only assumed pods can be forgotten", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1"));
  REQUIRE(cache.assume_pod(sched::make_pod_info(pod_json("p", "1", "")), "n1").ok());
  REQUIRE(cache.forget_pod("uid-p").ok());
  CHECK(cpu_on(cache, "n1") == 0);
  CHECK_FALSE(cache.has_pod("uid-p"));
  CHECK_FALSE(cache.forget_pod("uid-p").ok());
  cache.add_pod(bound(pod_json("q", "1", ""), "n1"));
  CHECK_FALSE(cache.forget_pod("uid-q").ok());
}

TEST_CASE("assumed pods expire a ttl after their binding finished", "[scheduler][cache]") {
  sched::Cache cache(30s);
  cache.add_node(node_json("n1"));
  const sched::Cache::Clock::time_point t0{};
  REQUIRE(cache.assume_pod(sched::make_pod_info(pod_json("bound-late", "1", "")), "n1").ok());
  REQUIRE(cache.assume_pod(sched::make_pod_info(pod_json("still-binding", "1", "")), "n1").ok());
  cache.finish_binding("uid-bound-late", t0);
  CHECK(cache.cleanup_expired(t0 + 29s) == 0);
  CHECK(cpu_on(cache, "n1") == 2000);
  CHECK(cache.cleanup_expired(t0 + 31s) == 1);
  CHECK(cpu_on(cache, "n1") == 1000);
  CHECK_FALSE(cache.has_pod("uid-bound-late"));
  // A pod whose binding never finished stays until forgotten or confirmed.
  CHECK(cache.cleanup_expired(t0 + 24h) == 0);
  CHECK(cache.assumed_count() == 1);
  // An expired pod that shows up bound later is simply added.
  cache.add_pod(bound(pod_json("bound-late", "1", ""), "n1"));
  CHECK(cpu_on(cache, "n1") == 2000);
}

TEST_CASE("pods of a removed node stay counted until they go; the node can come back", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1"));
  cache.add_pod(bound(pod_json("p", "1", ""), "n1"));
  cache.remove_node("n1");
  CHECK(cache.nodes().empty());
  cache.add_node(node_json("n1"));
  CHECK(cpu_on(cache, "n1") == 1000);
  cache.remove_node("n1");
  cache.remove_pod("uid-p");
  cache.add_node(node_json("n1"));
  CHECK(cpu_on(cache, "n1") == 0);

  cache.add_pod(bound(pod_json("early", "1", ""), "n9"));  // Pod seen before its node.
  CHECK(cache.node("n9") == nullptr);
  cache.add_node(node_json("n9"));
  CHECK(cpu_on(cache, "n9") == 1000);
}

TEST_CASE("spreading counts follow pods per owner", "[scheduler][cache]") {
  sched::Cache cache;
  cache.add_node(node_json("n1"));
  auto pod = bound(pod_json("p"), "n1");
  set_owner(pod, "rs-1");
  cache.add_pod(pod);
  CHECK(cache.node("n1")->pods_with_owner("rs-1") == 1);
  pod["metadata"].as_object()["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  cache.update_pod(pod);
  CHECK(cache.node("n1")->pods_with_owner("rs-1") == 0);
  CHECK(cache.node("n1")->pod_count() == 1);
}
