#include "node_affinity.h"

namespace kscratch::scheduler::plugins {

bool matches_required_node_affinity(const PodInfo& pod, const Node& node) {
  for (const auto& [key, value] : pod.node_selector) {
    auto it = node.labels.find(key);
    if (it == node.labels.end() || it->second != value) return false;
  }
  // Present but with no terms matches nothing, as upstream's LazyErrorNodeSelector.
  return !pod.required_affinity || pod.required_affinity->matches(node);
}

Status NodeAffinity::filter(const PodInfo& pod, const NodeInfo& node) const {
  if (matches_required_node_affinity(pod, node.node())) return {};
  return Status::unresolvable(kErrReasonNodeAffinity);
}

bool NodeAffinity::pre_score(const PodInfo& pod, NodeList, NodeList) { return !pod.preferred_affinity.empty(); }

int64_t NodeAffinity::score(const PodInfo& pod, const NodeInfo& node) const {
  int64_t total = 0;
  for (const PreferredSchedulingTerm& preferred : pod.preferred_affinity) {
    if (preferred.weight != 0 && preferred.term.matches(node.node())) total += preferred.weight;
  }
  return total;
}

void NodeAffinity::normalize(std::span<int64_t> scores) const {
  default_normalize_score(kMaxNodeScore, /*reverse=*/false, scores);
}

}  // namespace kscratch::scheduler::plugins
