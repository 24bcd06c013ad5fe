#include "node_unschedulable.h"

namespace kscratch::scheduler::plugins {

Status NodeUnschedulable::filter(const PodInfo& pod, const NodeInfo& node) const {
  if (!node.node().unschedulable) return {};
  // A pod that tolerates the unschedulable taint also tolerates spec.unschedulable.
  static const Taint kUnschedulable{kTaintNodeUnschedulable, "", kEffectNoSchedule};
  if (tolerations_tolerate(pod.tolerations, kUnschedulable)) return {};
  return Status::unresolvable(kErrReasonUnschedulable);
}

}  // namespace kscratch::scheduler::plugins
