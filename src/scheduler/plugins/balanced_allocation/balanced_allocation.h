#pragma once
// NodeResourcesBalancedAllocation (upstream plugins/noderesources/balanced_allocation.go):
// prefers nodes whose cpu and memory would be used in equal proportion after placing the pod:
// (1 - standard deviation of the used fractions) * 100, counting actual requests.

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

class BalancedAllocation final : public ScorePlugin {
 public:
  std::string_view name() const override { return "NodeResourcesBalancedAllocation"; }
  int64_t score(const PodInfo& pod, const NodeInfo& node) const override;
};

}  // namespace kscratch::scheduler::plugins
