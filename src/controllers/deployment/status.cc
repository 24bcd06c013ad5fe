// Upstream sync.go calculateStatus: the Deployment's status from its ReplicaSets'.

#include "controllers/deployment/sync_state.h"

namespace kscratch::controllers::deployment {

DeploymentStatus DeploymentSync::calculate_status(const RsList& all_rss, const RsPtr& new_rs) const {
  const int32_t available = available_replica_count(all_rss);
  const int32_t total = replica_count(all_rss);
  DeploymentStatus status;
  status.observed_generation = d_.generation;
  status.replicas = actual_replica_count(all_rss);
  status.updated_replicas = actual_replica_count({new_rs});
  status.ready_replicas = ready_replica_count(all_rss);
  status.available_replicas = available;
  // More available than desired (while scaling down) is not negative unavailability.
  status.unavailable_replicas = std::max(total - available, 0);
  status.collision_count = d_.status.collision_count;
  status.conditions = d_.status.conditions;

  if (available >= d_.replicas - max_unavailable(d_)) {
    set_condition(status, new_condition(kConditionAvailable, "True", kMinimumReplicasAvailable,
                                        "Deployment has minimum availability.", now_));
  } else {
    set_condition(status, new_condition(kConditionAvailable, "False", kMinimumReplicasUnavailable,
                                        "Deployment does not have minimum availability.", now_));
  }
  return status;
}

}  // namespace kscratch::controllers::deployment
