#pragma once
// The plugins of the default profile, in upstream's order (apis/config/v1 getDefaultPlugins), with
// upstream's default score weights. src/scheduler/plugins/registry.cc is the one list.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler {

struct WeightedScorePlugin {
  std::shared_ptr<ScorePlugin> plugin;
  int64_t weight = 1;
};

struct Profile {
  std::vector<std::shared_ptr<FilterPlugin>> filters;  // Run in this order.
  std::vector<WeightedScorePlugin> scores;

  // Look-ups by plugin name ("NodePorts", "TaintToleration", ...); nullptr when absent.
  const FilterPlugin* filter(std::string_view name) const;
  ScorePlugin* score(std::string_view name) const;
};

// Filters: NodeUnschedulable, NodeName, TaintToleration, NodeReady, NodeAffinity, NodePorts,
// NodeResourcesFit. Scores (weight): TaintToleration (3), NodeAffinity (2), NodeResourcesFit (1,
// LeastAllocated), PodTopologySpread (2, system default constraints), and
// NodeResourcesBalancedAllocation (1).
Profile default_profile();

}  // namespace kscratch::scheduler
