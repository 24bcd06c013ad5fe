#pragma once
// PodTopologySpread scoring with upstream's system default constraints (plugins/podtopologyspread
// scoring.go; constraints from DefaultConstraints: kubernetes.io/hostname maxSkew 3 and
// topology.kubernetes.io/zone maxSkew 5, both ScheduleAnyway): fewer pods of the same controller
// (PodInfo::spread_owner_uid, standing for upstream's DefaultSelector) on the node, and in its
// zone, scores higher.
//
// Upstream skips nodes without a kubernetes.io/hostname label for the hostname constraint; here
// the node name stands in for a missing label, so hand-made nodes still spread.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

class PodTopologySpread final : public ScorePlugin {
 public:
  std::string_view name() const override { return "PodTopologySpread"; }
  // Skips pods with no spread owner (upstream: no default selector, no constraints).
  bool pre_score(const PodInfo& pod, NodeList feasible, NodeList all_nodes) override;
  int64_t score(const PodInfo& pod, const NodeInfo& node) const override;
  // upstream NormalizeScore: 100 * (max + min - score) / max, or 100 everywhere when max is 0.
  void normalize(std::span<int64_t> scores) const override;

 private:
  // Per-cycle state (upstream preScoreState).
  double hostname_weight_ = 0;  // log(number of feasible nodes + 2)
  double zone_weight_ = 0;      // log(number of zones among feasible nodes + 2)
  bool zones_present_ = false;
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> pods_per_zone_;
};

}  // namespace kscratch::scheduler::plugins
