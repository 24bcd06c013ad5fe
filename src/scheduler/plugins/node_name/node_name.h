#pragma once
// NodeName (upstream plugins/nodename): a pod with spec.nodeName fits only that node.

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

inline constexpr const char* kErrReasonNodeName = "node(s) didn't match the requested node name";

class NodeName final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodeName"; }
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
};

}  // namespace kscratch::scheduler::plugins
