// Score plugins with upstream's formulas and normalization.

#include <catch2/catch.hpp>

#include "builders.h"
#include "kscratch/scheduler/registry.h"

namespace sched = kscratch::scheduler;
using namespace kscratch::scheduler::testing;

namespace {

// Runs PreScore, Score and NormalizeScore of one plugin over the nodes, as the algorithm does.
std::vector<int64_t> score_all(std::string_view plugin_name, const boost::json::object& pod_json_obj,
                               const std::vector<sched::NodeInfo>& nodes, bool* skipped = nullptr) {
  sched::Profile profile = sched::default_profile();
  sched::ScorePlugin* plugin = profile.score(plugin_name);
  REQUIRE(plugin != nullptr);
  sched::PodInfo pod = sched::parse_pod(pod_json_obj);
  std::vector<const sched::NodeInfo*> list;
  for (const auto& n : nodes) list.push_back(&n);
  sched::NodeList span(list.data(), list.size());
  bool run = plugin->pre_score(pod, span, span);
  if (skipped != nullptr) *skipped = !run;
  std::vector<int64_t> scores;
  for (const auto* n : list) scores.push_back(plugin->score(pod, *n));
  plugin->normalize(scores);
  return scores;
}

sched::NodeInfo node_info(const boost::json::object& node) {
  sched::NodeInfo info;
  info.set_node(sched::parse_node(node));
  return info;
}

}  // namespace

TEST_CASE("LeastAllocated scores the free share, counting defaults for missing requests", "[scheduler][score]") {
  std::vector<sched::NodeInfo> nodes{node_info(node_json("n1", "4", "8Gi")), node_info(node_json("n2", "4", "8Gi"))};
  nodes[0].add_pod(sched::parse_pod(pod_json("existing", "1", "2Gi")));
  CHECK(score_all("NodeResourcesFit", pod_json("p", "1", "2Gi"), nodes) == std::vector<int64_t>{50, 75});
  // Best effort: 100m and 200Mi assumed: cpu 3900/4000 -> 97, memory 7992Mi/8192Mi -> 97.
  CHECK(score_all("NodeResourcesFit", pod_json("b"), nodes)[1] == 97);
}

TEST_CASE("BalancedAllocation prefers equal cpu and memory fractions", "[scheduler][score]") {
  std::vector<sched::NodeInfo> nodes{node_info(node_json("n1", "4", "8Gi")), node_info(node_json("n2", "4", "8Gi"))};
  nodes[1].add_pod(sched::parse_pod(pod_json("existing", "1", "")));
  // n1: cpu 1/4, memory 4/8: 1 - 0.125 = 87.5 -> 87. n2: cpu 2/4, memory 4/8: 100.
  CHECK(score_all("NodeResourcesBalancedAllocation", pod_json("p", "1", "4Gi"), nodes) == std::vector<int64_t>{87, 100});
}

TEST_CASE("TaintToleration scores fewer untolerated PreferNoSchedule taints higher", "[scheduler][score]") {
  auto clean = node_json("n0");
  auto one = node_json("n1");
  add_taint(one, "a", "1", "PreferNoSchedule");
  add_taint(one, "hard", "", "NoSchedule");  // Not counted by the score.
  auto two = node_json("n2");
  add_taint(two, "a", "1", "PreferNoSchedule");
  add_taint(two, "b", "2", "PreferNoSchedule");
  std::vector<sched::NodeInfo> nodes{node_info(clean), node_info(one), node_info(two)};
  CHECK(score_all("TaintToleration", pod_json("p"), nodes) == std::vector<int64_t>{100, 50, 0});

  auto tolerant = pod_json("t");
  spec_of(tolerant)["tolerations"] = boost::json::array{{{"key", "b"}, {"operator", "Exists"}, {"effect", "PreferNoSchedule"}}};
  CHECK(score_all("TaintToleration", tolerant, nodes) == std::vector<int64_t>{100, 0, 0});
  CHECK(score_all("TaintToleration", pod_json("p"), {node_info(clean)}) == std::vector<int64_t>{100});
}

TEST_CASE("NodeAffinity sums preferred weights and normalizes by the best", "[scheduler][score]") {
  auto both = node_json("both");
  set_label(both, "disk", "ssd");
  set_label(both, "zone", "a");
  auto ssd = node_json("ssd");
  set_label(ssd, "disk", "ssd");
  std::vector<sched::NodeInfo> nodes{node_info(both), node_info(ssd), node_info(node_json("none"))};
  auto pod = pod_json("p");
  auto term = [](const std::string& key, const std::string& value) {
    return boost::json::object{
        {"matchExpressions", boost::json::array{{{"key", key}, {"operator", "In"}, {"values", {value}}}}}};
  };
  spec_of(pod)["affinity"] = {{"nodeAffinity", {{"preferredDuringSchedulingIgnoredDuringExecution",
                                                 boost::json::array{{{"weight", 10}, {"preference", term("disk", "ssd")}},
                                                                    {{"weight", 5}, {"preference", term("zone", "a")}}}}}}};
  CHECK(score_all("NodeAffinity", pod, nodes) == std::vector<int64_t>{100, 66, 0});
  bool skipped = false;
  score_all("NodeAffinity", pod_json("plain"), nodes, &skipped);
  CHECK(skipped);
}

TEST_CASE("PodTopologySpread scores fewer pods of the same owner higher", "[scheduler][score]") {
  std::vector<sched::NodeInfo> nodes{node_info(node_json("a")), node_info(node_json("b")), node_info(node_json("c"))};
  auto owned = [](const std::string& name, const std::string& owner) {
    auto pod = pod_json(name);
    set_owner(pod, owner);
    return pod;
  };
  nodes[0].add_pod(sched::parse_pod(owned("sibling", "rs-1")));
  nodes[1].add_pod(sched::parse_pod(owned("stranger", "rs-2")));
  // a: round(1*ln(5) + 2) = 4, b and c: 2; normalized 100*(4+2-s)/4.
  CHECK(score_all("PodTopologySpread", owned("p", "rs-1"), nodes) == std::vector<int64_t>{50, 100, 100});

  auto terminating = owned("leaving", "rs-1");
  terminating["metadata"].as_object()["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  nodes[1].add_pod(sched::parse_pod(terminating));  // Terminating pods are not counted.
  CHECK(score_all("PodTopologySpread", owned("p", "rs-1"), nodes) == std::vector<int64_t>{50, 100, 100});

  bool skipped = false;
  score_all("PodTopologySpread", pod_json("orphan"), nodes, &skipped);
  CHECK(skipped);
}

TEST_CASE("PodTopologySpread also spreads across zones", "[scheduler][score]") {
  auto zoned = [](const std::string& name, const std::string& zone) {
    auto node = node_json(name);
    set_label(node, "topology.kubernetes.io/zone", zone);
    return node;
  };
  std::vector<sched::NodeInfo> nodes{node_info(zoned("a1", "a")), node_info(zoned("a2", "a")), node_info(zoned("b1", "b"))};
  auto pod = pod_json("sibling");
  set_owner(pod, "rs-1");
  nodes[0].add_pod(sched::parse_pod(pod));
  auto incoming = pod_json("p");
  set_owner(incoming, "rs-1");
  // hostname: a1 1*ln5+2, others 2. zone (2 zones, ln4): a-nodes 1*ln4+4, b1 4.
  // a1: 3.609+5.386 = 8.995 -> 9; a2: 2+5.386 -> 7; b1: 2+4 = 6. Normalized 100*(9+6-s)/9.
  CHECK(score_all("PodTopologySpread", incoming, nodes) == std::vector<int64_t>{66, 88, 100});
}
