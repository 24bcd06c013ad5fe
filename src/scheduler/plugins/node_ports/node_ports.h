#pragma once
// NodePorts (upstream plugins/nodeports): the pod's hostPorts must be free on the node, by
// protocol and host IP (0.0.0.0 clashes with every IP).

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

inline constexpr const char* kErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

class NodePorts final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodePorts"; }
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
};

}  // namespace kscratch::scheduler::plugins
