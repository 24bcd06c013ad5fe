#pragma once
// TaintToleration (upstream plugins/tainttoleration). Filter: the pod must tolerate every
// NoSchedule and NoExecute taint. Score: fewer untolerated PreferNoSchedule taints is better.

#include <string>

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

// upstream's "node(s) had untolerated taint {%s: %s}".
std::string untolerated_taint_reason(const Taint& taint);

class TaintToleration final : public FilterPlugin, public ScorePlugin {
 public:
  std::string_view name() const override { return "TaintToleration"; }
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
  // Counts the untolerated PreferNoSchedule taints (countIntolerableTaintsPreferNoSchedule).
  int64_t score(const PodInfo& pod, const NodeInfo& node) const override;
  // More untolerated taints score lower: DefaultNormalizeScore reversed.
  void normalize(std::span<int64_t> scores) const override;
};

}  // namespace kscratch::scheduler::plugins
