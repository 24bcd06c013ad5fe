#pragma once
// NodeAffinity (upstream plugins/nodeaffinity). Filter: spec.nodeSelector and the required node
// affinity must both match. Score: the summed weights of the matching preferred terms,
// normalized to 0..100 by the best node.

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

inline constexpr const char* kErrReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";

// upstream nodeaffinity.RequiredNodeAffinity.Match.
bool matches_required_node_affinity(const PodInfo& pod, const Node& node);

class NodeAffinity final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "NodeAffinity"; }
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
  // Skips pods without preferred terms, as upstream PreScore.
  bool pre_score(const PodInfo& pod, NodeList feasible, NodeList all_nodes) override;
  int64_t score(const PodInfo& pod, const NodeInfo& node) const override;
  void normalize(std::span<int64_t> scores) const override;
};

}  // namespace kscratch::scheduler::plugins
