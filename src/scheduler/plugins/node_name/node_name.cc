#include "node_name.h"

namespace kscratch::scheduler::plugins {

Status NodeName::filter(const PodInfo& pod, const NodeInfo& node) const {
  if (pod.node_name.empty() || pod.node_name == node.name()) return {};
  return Status::unresolvable(kErrReasonNodeName);
}

}  // namespace kscratch::scheduler::plugins
