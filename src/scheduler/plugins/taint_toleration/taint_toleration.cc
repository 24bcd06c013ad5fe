#include "taint_toleration.h"

namespace kscratch::scheduler::plugins {

std::string untolerated_taint_reason(const Taint& taint) {
  return "node(s) had untolerated taint {" + taint.key + ": " + taint.value + "}";
}

Status TaintToleration::filter(const PodInfo& pod, const NodeInfo& node) const {
  // upstream FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: the first taint
  // in the node's order is reported.
  for (const Taint& taint : node.node().taints) {
    if (taint.effect != kEffectNoSchedule && taint.effect != kEffectNoExecute) continue;
    if (!tolerations_tolerate(pod.tolerations, taint)) return Status::unresolvable(untolerated_taint_reason(taint));
  }
  return {};
}

int64_t TaintToleration::score(const PodInfo& pod, const NodeInfo& node) const {
  int64_t intolerable = 0;
  for (const Taint& taint : node.node().taints) {
    if (taint.effect != kEffectPreferNoSchedule) continue;
    // upstream keeps only tolerations whose effect is empty or PreferNoSchedule; a toleration
    // with another effect cannot match a PreferNoSchedule taint anyway.
    if (!tolerations_tolerate(pod.tolerations, taint)) ++intolerable;
  }
  return intolerable;
}

void TaintToleration::normalize(std::span<int64_t> scores) const {
  default_normalize_score(kMaxNodeScore, /*reverse=*/true, scores);
}

}  // namespace kscratch::scheduler::plugins
