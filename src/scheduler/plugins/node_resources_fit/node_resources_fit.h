#pragma once
// NodeResourcesFit (upstream plugins/noderesources/fit.go and least_allocated.go). Filter: the
// pod's requests must fit in the node's allocatable minus what its pods already request, and one
// more pod must fit under allocatable pods. Score (LeastAllocated strategy, cpu and memory with
// weight 1): the free fraction after placing the pod, counting containers without requests at
// the scheduler's defaults (NonZeroRequested).

#include <cstdint>

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

inline constexpr const char* kErrReasonTooManyPods = "Too many pods";

// upstream leastRequestedScore: (capacity - requested) * 100 / capacity; 0 when over capacity.
int64_t least_requested_score(int64_t requested, int64_t capacity);

class NodeResourcesFit final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "NodeResourcesFit"; }
  // Every insufficient resource is a reason ("Too many pods", "Insufficient cpu", ...).
  // Unschedulable, or UnschedulableAndUnresolvable when the pod alone exceeds the node's
  // allocatable (upstream InsufficientResource.Unresolvable).
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
  int64_t score(const PodInfo& pod, const NodeInfo& node) const override;
};

}  // namespace kscratch::scheduler::plugins
