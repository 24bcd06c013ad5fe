#include "preemption.h"

namespace kscratch::scheduler {

std::string preemption_message(const PodInfo& pod, const FitError& diagnosis) {
  if (pod.preemption_never) return "preemption: not eligible due to preemptionPolicy=Never.";
  FitError preemption;
  preemption.num_all_nodes = diagnosis.num_all_nodes;
  preemption.absent_nodes_reason = "Preemption is not helpful for scheduling";
  // upstream findCandidates considers only nodes whose status is Unschedulable (removing pods
  // might help); on each, with nothing of lower priority to remove, the dry run says so.
  for (const auto& [node, status] : diagnosis.node_statuses) {
    if (status.code() == Code::kUnschedulable) {
      preemption.node_statuses.emplace_back(node, Status::unresolvable("No preemption victims found for incoming pod"));
    }
  }
  return "preemption: " + preemption.message();
}

}  // namespace kscratch::scheduler
