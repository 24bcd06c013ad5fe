// The scheduling algorithm, after upstream pkg/scheduler/schedule_one.go: schedulePod,
// findNodesThatFitPod / findNodesThatPassFilters, numFeasibleNodesToFind, prioritizeNodes and
// selectHost. Runs on one thread: upstream's parallelism buys little at the sizes kscratch
// targets once sampling caps the nodes examined.

#include "kscratch/scheduler/algorithm.h"

#include <random>

#include "preemption.h"

namespace kscratch::scheduler {

namespace {

constexpr int32_t kMinFeasibleNodesToFind = 100;
constexpr int32_t kMinFeasibleNodesPercentageToFind = 5;

RandomIndex default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine](uint64_t bound) { return std::uniform_int_distribution<uint64_t>(0, bound - 1)(*engine); };
}

}  // namespace

int32_t num_feasible_nodes_to_find(int32_t percentage_of_nodes_to_score, int32_t num_all_nodes) {
  if (num_all_nodes < kMinFeasibleNodesToFind) return num_all_nodes;
  int64_t percentage = percentage_of_nodes_to_score;
  if (percentage == 0) {
    // Adaptive: 50% of 100 nodes, falling by 1% per 125 nodes, never under 5%.
    percentage = std::max<int64_t>(50 - num_all_nodes / 125, kMinFeasibleNodesPercentageToFind);
  }
  int64_t num_nodes = static_cast<int64_t>(num_all_nodes) * percentage / 100;
  if (num_nodes < kMinFeasibleNodesToFind) return kMinFeasibleNodesToFind;
  return static_cast<int32_t>(std::min<int64_t>(num_nodes, num_all_nodes));
}

Algorithm::Algorithm(Profile profile, ScheduleOptions options, RandomIndex random)
    : profile_(std::move(profile)), options_(options), random_(random ? std::move(random) : default_random()) {}

// upstream RunFilterPlugins: stop at the first plugin that rejects the node.
Status Algorithm::run_filters(const PodInfo& pod, const NodeInfo& node) const {
  for (const auto& plugin : profile_.filters) {
    Status status = plugin->filter(pod, node);
    if (!status.ok()) {
      status.set_plugin(plugin->name());
      return status;
    }
  }
  return {};
}

// upstream selectHost: the highest total wins; among equals each is kept with probability
// 1/(number seen so far), so every tied node is equally likely (reservoir sampling).
std::string Algorithm::select_host(const std::vector<const NodeInfo*>& feasible, const std::vector<int64_t>& totals) {
  size_t selected = 0;
  uint64_t ties = 1;
  for (size_t i = 1; i < feasible.size(); ++i) {
    if (totals[i] > totals[selected]) {
      selected = i;
      ties = 1;
    } else if (totals[i] == totals[selected]) {
      ++ties;
      if (random_(ties) == 0) selected = i;
    }
  }
  return feasible[selected]->name();
}

ScheduleResult Algorithm::schedule(const PodInfo& pod, const Cache& cache) {
  ScheduleResult result;
  NodeList nodes = cache.nodes();
  if (nodes.empty()) {
    result.error = kNoNodesAvailable;
    return result;
  }
  const size_t num_nodes = nodes.size();
  const auto to_find = static_cast<size_t>(
      num_feasible_nodes_to_find(options_.percentage_of_nodes_to_score, static_cast<int32_t>(num_nodes)));

  // findNodesThatPassFilters: from where the last cycle stopped, so every node gets its turn.
  std::vector<const NodeInfo*> feasible;
  feasible.reserve(std::min(to_find, num_nodes));
  FitError diagnosis;
  diagnosis.num_all_nodes = static_cast<int>(num_nodes);
  const size_t start = next_start_node_index_ % num_nodes;
  size_t processed = 0;
  while (processed < num_nodes) {
    const NodeInfo* node = nodes[(start + processed) % num_nodes];
    ++processed;
    Status status = run_filters(pod, *node);
    if (status.ok()) {
      feasible.push_back(node);
      if (feasible.size() >= to_find) break;
    } else {
      diagnosis.node_statuses.emplace_back(node->name(), std::move(status));
    }
  }
  next_start_node_index_ = (start + processed) % num_nodes;
  result.evaluated_nodes = static_cast<int>(processed);
  result.feasible_nodes = static_cast<int>(feasible.size());

  if (feasible.empty()) {
    // The PostFilter (preemption) runs and its message joins the FitError.
    diagnosis.post_filter_message = preemption_message(pod, diagnosis);
    result.fit_error = std::move(diagnosis);
    return result;
  }
  if (feasible.size() == 1) {  // upstream skips scoring when there is no choice.
    result.node = feasible.front()->name();
    return result;
  }

  // prioritizeNodes: each plugin scores every feasible node, normalizes, and is weighted.
  NodeList feasible_list(feasible.data(), feasible.size());
  std::vector<int64_t> totals(feasible.size(), 0);
  std::vector<int64_t> scores(feasible.size(), 0);
  for (const WeightedScorePlugin& weighted : profile_.scores) {
    ScorePlugin& plugin = *weighted.plugin;
    if (!plugin.pre_score(pod, feasible_list, nodes)) continue;
    for (size_t i = 0; i < feasible.size(); ++i) scores[i] = plugin.score(pod, *feasible[i]);
    plugin.normalize(scores);
    for (size_t i = 0; i < feasible.size(); ++i) totals[i] += scores[i] * weighted.weight;
  }
  result.node = select_host(feasible, totals);
  return result;
}

}  // namespace kscratch::scheduler
