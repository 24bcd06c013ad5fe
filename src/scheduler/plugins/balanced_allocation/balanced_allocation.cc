#include "balanced_allocation.h"

#include <cmath>

namespace kscratch::scheduler::plugins {

// upstream balancedResourceScorer, for the two default resources: with two fractions the
// standard deviation is |f1 - f2| / 2; with one it is zero.
int64_t BalancedAllocation::score(const PodInfo& pod, const NodeInfo& node) const {
  const Resources& allocatable = node.node().allocatable;
  double fractions[2];
  int count = 0;
  auto add = [&](int64_t requested, int64_t capacity) {
    if (capacity == 0) return;
    double f = static_cast<double>(requested) / static_cast<double>(capacity);
    fractions[count++] = f > 1 ? 1 : f;
  };
  add(node.requested().milli_cpu + pod.requests.milli_cpu, allocatable.milli_cpu);
  add(node.requested().memory + pod.requests.memory, allocatable.memory);
  double std_dev = count == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0.0;
  return static_cast<int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

}  // namespace kscratch::scheduler::plugins
