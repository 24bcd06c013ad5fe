#pragma once
// NodeUnschedulable (upstream plugins/nodeunschedulable): cordoned nodes take only pods that
// tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.

#include "kscratch/scheduler/framework.h"

namespace kscratch::scheduler::plugins {

inline constexpr const char* kErrReasonUnschedulable = "node(s) were unschedulable";

class NodeUnschedulable final : public FilterPlugin {
 public:
  std::string_view name() const override { return "NodeUnschedulable"; }
  Status filter(const PodInfo& pod, const NodeInfo& node) const override;
};

}  // namespace kscratch::scheduler::plugins
