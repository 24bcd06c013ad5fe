#pragma once
// NodeReady: a node whose Ready condition is not True takes only pods that tolerate the taint
// the node lifecycle controller would put on it. Upstream has no such plugin: there the
// controller taints the node (node.kubernetes.io/not-ready when Ready is False, .../unreachable
// when Unknown) and TaintToleration filters it. Nodes here may lack those taints, so this
// plugin applies the same taint when the node does not carry it, with TaintToleration's reason.

#include <optional>

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

// The NoSchedule taint the lifecycle controller gives a node in this state; none when Ready.
// A node that never reported Ready counts as not-ready, as the kubelet registers it tainted so.
std::optional<Taint> implied_readiness_taint(const Node& node);

class NodeReady final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodeReady"; }
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
};

}  // namespace kscratch::scheduler::plugins
