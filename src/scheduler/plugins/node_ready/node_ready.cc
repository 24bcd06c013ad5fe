#include "node_ready.h"

#include "../taint_toleration/taint_toleration.h"

namespace kscratch::scheduler::plugins {

std::optional<Taint> implied_readiness_taint(const Node& node) {
  switch (node.ready) {
    case Node::Ready::kTrue: return std::nullopt;
    case Node::Ready::kUnknown: return Taint{kTaintNodeUnreachable, "", kEffectNoSchedule};
    case Node::Ready::kFalse:
    case Node::Ready::kAbsent: return Taint{kTaintNodeNotReady, "", kEffectNoSchedule};
  }
  return std::nullopt;
}

Status NodeReady::filter(const PodInfo& pod, const NodeInfo& node) const {
  std::optional<Taint> taint = implied_readiness_taint(node.node());
  if (!taint) return {};
  // The node carries the taint already: TaintToleration has judged it.
  for (const Taint& t : node.node().taints) {
    if (t.key == taint->key && t.effect == taint->effect) return {};
  }
  if (tolerations_tolerate(pod.tolerations, *taint)) return {};
  return Status::unresolvable(untolerated_taint_reason(*taint));
}

}  // namespace kscratch::scheduler::plugins
