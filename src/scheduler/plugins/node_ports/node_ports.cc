#include "node_ports.h"

namespace kscratch::scheduler::plugins {

// upstream fitsPorts; the clash rule is NodeInfo::host_port_conflicts (HostPortInfo.CheckConflict).
Status NodePorts::filter(const PodInfo& pod, const NodeInfo& node) const {
  for (const HostPort& wanted : pod.host_ports) {
    if (node.host_port_conflicts(wanted)) return Status::unschedulable(kErrReasonNodePorts);
  }
  return {};
}

}  // namespace kscratch::scheduler::plugins
