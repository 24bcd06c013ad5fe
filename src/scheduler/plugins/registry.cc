// The one list of plugins: upstream's default profile order and weights
// (pkg/scheduler/apis/config/v1/default_plugins.go), restricted to what kscratch implements.

#include "kscratch/scheduler/registry.h"

#include <memory>

#include "balanced_allocation/balanced_allocation.h"
#include "node_affinity/node_affinity.h"
#include "node_name/node_name.h"
#include "node_ports/node_ports.h"
#include "node_ready/node_ready.h"
#include "node_resources_fit/node_resources_fit.h"
#include "node_unschedulable/node_unschedulable.h"
#include "spread/spread.h"
#include "taint_toleration/taint_toleration.h"

namespace kscratch::scheduler {

Profile default_profile() {
  auto taint_toleration = std::make_shared<plugins::TaintToleration>();
  auto node_affinity = std::make_shared<plugins::NodeAffinity>();
  auto node_resources_fit = std::make_shared<plugins::NodeResourcesFit>();

  Profile profile;
  profile.filters = {
      std::make_shared<plugins::NodeUnschedulable>(),
      std::make_shared<plugins::NodeName>(),
      taint_toleration,
      std::make_shared<plugins::NodeReady>(),  // kscratch's: readiness without the taint.
      node_affinity,
      std::make_shared<plugins::NodePorts>(),
      node_resources_fit,
  };
  profile.scores = {
      {taint_toleration, 3},
      {node_affinity, 2},
      {node_resources_fit, 1},
      {std::make_shared<plugins::PodTopologySpread>(), 2},
      {std::make_shared<plugins::BalancedAllocation>(), 1},
  };
  return profile;
}

const FilterPlugin* Profile::filter(std::string_view name) const {
  for (const auto& f : filters) {
    if (f->name() == name) return f.get();
  }
  return nullptr;
}

ScorePlugin* Profile::score(std::string_view name) const {
  for (const auto& s : scores) {
    if (s.plugin->name() == name) return s.plugin.get();
  }
  return nullptr;
}

}  // namespace kscratch::scheduler
