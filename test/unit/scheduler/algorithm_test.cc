// The algorithm: choice, spreading with assume, FitError messages, sampling, tie-breaks.

#include <catch2/catch.hpp>

#include <map>

#include "builders.h"
#include "kscratch/scheduler/algorithm.h"

namespace sched = kscratch::scheduler;
using namespace kscratch::scheduler::testing;

namespace {

// Always keeps the first of tied nodes (random never returns 0 for bounds above 1).
sched::RandomIndex keep_first() {
  return [](uint64_t bound) { return bound - 1; };
}

sched::Algorithm make_algorithm(sched::RandomIndex random = keep_first(), int32_t percentage = 0) {
  return sched::Algorithm(sched::default_profile(), sched::ScheduleOptions{percentage}, std::move(random));
}

}  // namespace

TEST_CASE("no nodes: upstream's ErrNoNodesAvailable", "[scheduler][algorithm]") {
  sched::Cache cache;
  auto algorithm = make_algorithm();
  auto result = algorithm.schedule(sched::parse_pod(pod_json("p")), cache);
  CHECK_FALSE(result.ok());
  CHECK(result.message() == "no nodes available to schedule pods");
}

TEST_CASE("six pods of one owner on three nodes spread 2/2/2 when assumed one by one", "[scheduler][algorithm]") {
  sched::Cache cache;
  for (const char* name : {"a", "b", "c"}) cache.add_node(node_json(name));
  auto algorithm = make_algorithm();
  std::map<std::string, int> per_node;
  for (int i = 0; i < 6; ++i) {
    auto pod_obj = pod_json("web-" + std::to_string(i));
    set_owner(pod_obj, "rs-web");
    auto pod = sched::make_pod_info(pod_obj);
    auto result = algorithm.schedule(*pod, cache);
    REQUIRE(result.ok());
    REQUIRE(cache.assume_pod(pod, result.node).ok());
    ++per_node[result.node];
  }
  CHECK(per_node == std::map<std::string, int>{{"a", 2}, {"b", 2}, {"c", 2}});
}

TEST_CASE("assumed pods keep a burst from over-committing a node", "[scheduler][algorithm]") {
  sched::Cache cache;
  cache.add_node(node_json("small", "1", "8Gi"));
  auto algorithm = make_algorithm();
  auto first = sched::make_pod_info(pod_json("first", "600m", ""));
  auto result = algorithm.schedule(*first, cache);
  REQUIRE(result.node == "small");
  REQUIRE(cache.assume_pod(first, result.node).ok());
  auto second = algorithm.schedule(sched::parse_pod(pod_json("second", "600m", "")), cache);
  CHECK_FALSE(second.ok());
  CHECK(second.message() ==
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption "
        "victims found for incoming pod.");
}

TEST_CASE("FitError counts and sorts reasons as upstream, with the preemption suffix", "[scheduler][algorithm]") {
  sched::Cache cache;
  auto labelled = node_json("big", "4", "8Gi");
  set_label(labelled, "disk", "ssd");
  cache.add_node(labelled);
  cache.add_pod(bound(pod_json("busy", "3", ""), "big"));
  cache.add_node(node_json("plain1"));
  cache.add_node(node_json("plain2"));
  auto pod = pod_json("p", "2", "");
  spec_of(pod)["nodeSelector"] = {{"disk", "ssd"}};
  auto algorithm = make_algorithm();
  auto result = algorithm.schedule(sched::parse_pod(pod), cache);
  REQUIRE(result.fit_error.has_value());
  CHECK(result.evaluated_nodes == 3);
  CHECK(result.fit_error->reason_counts() ==
        std::map<std::string, int>{{"Insufficient cpu", 1}, {"node(s) didn't match Pod's node affinity/selector", 2}});
  CHECK(result.message() ==
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is "
        "not helpful for scheduling.");

  // More than the node's whole allocatable: preemption would not help there either.
  auto huge = pod_json("huge", "5", "");
  spec_of(huge)["nodeSelector"] = {{"disk", "ssd"}};
  CHECK(algorithm.schedule(sched::parse_pod(huge), cache).message() ==
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");

  spec_of(pod)["preemptionPolicy"] = "Never";
  CHECK(algorithm.schedule(sched::parse_pod(pod), cache).message() ==
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. "
        "preemption: not eligible due to preemptionPolicy=Never.");
}

TEST_CASE("FitError message: every filter's reason, multi-reason nodes, string sort", "[scheduler][algorithm]") {
  sched::Cache cache;
  auto cordoned = node_json("cordoned");
  cordoned["spec"].as_object()["unschedulable"] = true;
  cache.add_node(cordoned);
  auto tainted = node_json("tainted");
  add_taint(tainted, "dedicated", "gpu", "NoSchedule");
  cache.add_node(tainted);
  auto not_ready = node_json("notready");
  not_ready["status"].as_object()["conditions"] = boost::json::array{{{"type", "Ready"}, {"status", "False"}}};
  cache.add_node(not_ready);
  cache.add_node(node_json("full", "1", "1Gi", "1"));
  cache.add_pod(bound(pod_json("occupant", "1", "1Gi"), "full"));
  for (int i = 0; i < 10; ++i) cache.add_node(node_json("port" + std::to_string(i)));
  auto with_port = [](boost::json::object pod) {
    spec_of(pod)["containers"].as_array()[0].as_object()["ports"] =
        boost::json::array{{{"containerPort", 80}, {"hostPort", 80}}};
    return pod;
  };
  for (int i = 0; i < 10; ++i) cache.add_pod(bound(with_port(pod_json("web" + std::to_string(i))), "port" + std::to_string(i)));

  auto algorithm = make_algorithm();
  auto result = algorithm.schedule(sched::parse_pod(with_port(pod_json("p", "100m", "64Mi"))), cache);
  REQUIRE_FALSE(result.ok());
  CHECK(result.message() ==
        "0/14 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods, "
        "1 node(s) had untolerated taint {dedicated: gpu}, "
        "1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, "
        "10 node(s) didn't have free ports for the requested pod ports. "
        "preemption: 0/14 nodes are available: 11 No preemption victims found for incoming pod, "
        "3 Preemption is not helpful for scheduling.");
}

TEST_CASE("FitError orders counts as strings, as Go's sort.Strings", "[scheduler][algorithm]") {
  sched::FitError error;
  error.num_all_nodes = 12;
  for (int i = 0; i < 10; ++i) error.node_statuses.emplace_back("x" + std::to_string(i), sched::Status::unschedulable("b"));
  error.node_statuses.emplace_back("y", sched::Status::unresolvable("a"));
  CHECK(error.message() == "0/12 nodes are available: 1 a, 10 b.");
  error.absent_nodes_reason = "c";
  CHECK(error.message() == "0/12 nodes are available: 1 a, 1 c, 10 b.");
}

TEST_CASE("the highest weighted total wins", "[scheduler][algorithm]") {
  sched::Cache cache;
  auto avoided = node_json("avoided");
  add_taint(avoided, "spot", "", "PreferNoSchedule");
  cache.add_node(avoided);
  auto preferred = node_json("preferred");
  set_label(preferred, "disk", "ssd");
  cache.add_node(preferred);
  cache.add_node(node_json("busy"));
  cache.add_pod(bound(pod_json("load", "3", "6Gi"), "busy"));
  auto algorithm = make_algorithm();

  CHECK(algorithm.schedule(sched::parse_pod(pod_json("p", "100m", "")), cache).node == "preferred");

  auto pod = pod_json("q", "100m", "");
  spec_of(pod)["affinity"] = {{"nodeAffinity", {{"preferredDuringSchedulingIgnoredDuringExecution",
      boost::json::array{{{"weight", 50}, {"preference", {{"matchExpressions",
          boost::json::array{{{"key", "disk"}, {"operator", "DoesNotExist"}}}}}}}}}}}};
  // NodeAffinity (x2) prefers avoided and busy; TaintToleration (x3) penalizes avoided.
  CHECK(algorithm.schedule(sched::parse_pod(pod), cache).node == "busy");
}

TEST_CASE("ties are broken by the injected random source (reservoir sampling)", "[scheduler][algorithm]") {
  sched::Cache cache;
  for (const char* name : {"a", "b", "c"}) cache.add_node(node_json(name));
  auto pod = sched::parse_pod(pod_json("p"));

  std::vector<uint64_t> bounds;
  auto always_replace = [&bounds](uint64_t bound) {
    bounds.push_back(bound);
    return uint64_t{0};
  };
  auto last = make_algorithm(always_replace);
  CHECK(last.schedule(pod, cache).node == cache.nodes()[2]->name());
  CHECK(bounds == std::vector<uint64_t>{2, 3});

  auto first = make_algorithm(keep_first());
  CHECK(first.schedule(pod, cache).node == cache.nodes()[0]->name());

  // The default source spreads ties over every node.
  sched::Algorithm seeded;
  std::map<std::string, int> chosen;
  for (int i = 0; i < 200; ++i) ++chosen[seeded.schedule(pod, cache).node];
  CHECK(chosen.size() == 3);
}

TEST_CASE("a single feasible node is chosen without scoring", "[scheduler][algorithm]") {
  sched::Cache cache;
  cache.add_node(node_json("a"));
  cache.add_node(node_json("b"));
  auto pod = pod_json("p");
  spec_of(pod)["nodeName"] = "b";
  auto algorithm = make_algorithm();
  auto result = algorithm.schedule(sched::parse_pod(pod), cache);
  CHECK(result.node == "b");
  CHECK(result.feasible_nodes == 1);
  CHECK(result.evaluated_nodes == 2);
}

TEST_CASE("numFeasibleNodesToFind as upstream", "[scheduler][algorithm]") {
  CHECK(sched::num_feasible_nodes_to_find(0, 50) == 50);
  CHECK(sched::num_feasible_nodes_to_find(0, 100) == 100);    // 50% is 50, raised to 100.
  CHECK(sched::num_feasible_nodes_to_find(0, 1000) == 420);   // 50 - 8 = 42%.
  CHECK(sched::num_feasible_nodes_to_find(0, 5000) == 500);   // 50 - 40 = 10%.
  CHECK(sched::num_feasible_nodes_to_find(0, 6000) == 300);   // 50 - 48 = 2%, raised to 5%.
  CHECK(sched::num_feasible_nodes_to_find(0, 10000) == 500);  // 5%.
  CHECK(sched::num_feasible_nodes_to_find(100, 300) == 300);
  CHECK(sched::num_feasible_nodes_to_find(10, 500) == 100);
}

TEST_CASE("sampling stops at enough feasible nodes and the next cycle starts after them", "[scheduler][algorithm]") {
  sched::Cache cache;
  for (int i = 0; i < 1000; ++i) cache.add_node(node_json("n" + std::to_string(i)));
  auto algorithm = make_algorithm();
  auto pod = sched::parse_pod(pod_json("p"));
  auto result = algorithm.schedule(pod, cache);
  CHECK(result.ok());
  CHECK(result.feasible_nodes == 420);
  CHECK(result.evaluated_nodes == 420);
  CHECK(algorithm.next_start_node_index() == 420);
  // keep_first picks the first of the tied nodes examined: the one at the start index.
  CHECK(algorithm.schedule(pod, cache).node == cache.nodes()[420]->name());
  CHECK(algorithm.next_start_node_index() == 840);
  algorithm.schedule(pod, cache);
  CHECK(algorithm.next_start_node_index() == 260);

  // Infeasible nodes are examined too, and count toward the next start.
  auto picky = pod_json("picky");
  spec_of(picky)["nodeSelector"] = {{"kubernetes.io/hostname", "n999"}};
  auto only = algorithm.schedule(sched::parse_pod(picky), cache);
  CHECK(only.node == "n999");
  CHECK(only.evaluated_nodes == 1000);
  CHECK(algorithm.next_start_node_index() == 260);
}
