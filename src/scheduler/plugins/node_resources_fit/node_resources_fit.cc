#include "node_resources_fit.h"

#include <string>
#include <vector>

namespace kscratch::scheduler::plugins {

namespace {

struct Check {
  std::vector<std::string> reasons;
  bool unresolvable = false;

  void require(const std::string& resource, int64_t requested, int64_t allocatable, int64_t used) {
    if (requested <= 0 || requested <= allocatable - used) return;
    reasons.push_back("Insufficient " + resource);
    if (requested > allocatable) unresolvable = true;
  }
};

}  // namespace

int64_t least_requested_score(int64_t requested, int64_t capacity) {
  if (capacity == 0 || requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}

// upstream fitsRequest.
Status NodeResourcesFit::filter(const PodInfo& pod, const NodeInfo& node) const {
  const Resources& want = pod.requests;
  const Resources& allocatable = node.node().allocatable;
  const Resources& used = node.requested();
  Check check;
  if (node.pod_count() + 1 > allocatable.pods) check.reasons.emplace_back(kErrReasonTooManyPods);
  check.require("cpu", want.milli_cpu, allocatable.milli_cpu, used.milli_cpu);
  check.require("memory", want.memory, allocatable.memory, used.memory);
  check.require("ephemeral-storage", want.ephemeral_storage, allocatable.ephemeral_storage, used.ephemeral_storage);
  for (const auto& [resource, amount] : want.scalars) {
    check.require(resource, amount, allocatable.scalar(resource), used.scalar(resource));
  }
  if (check.reasons.empty()) return {};
  return Status(check.unresolvable ? Code::kUnschedulableAndUnresolvable : Code::kUnschedulable,
                std::move(check.reasons));
}

// upstream resourceAllocationScorer.score with leastResourceScorer: the weighted average over
// the resources the node has.
int64_t NodeResourcesFit::score(const PodInfo& pod, const NodeInfo& node) const {
  const Resources& allocatable = node.node().allocatable;
  int64_t total = 0;
  int64_t weights = 0;
  if (allocatable.milli_cpu != 0) {
    total += least_requested_score(node.non_zero_milli_cpu() + pod.non_zero_milli_cpu, allocatable.milli_cpu);
    ++weights;
  }
  if (allocatable.memory != 0) {
    total += least_requested_score(node.non_zero_memory() + pod.non_zero_memory, allocatable.memory);
    ++weights;
  }
  return weights == 0 ? 0 : total / weights;
}

}  // namespace kscratch::scheduler::plugins
