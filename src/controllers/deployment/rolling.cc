// Upstream pkg/controller/deployment/rolling.go: the RollingUpdate strategy, one step per
// sync: scale the new ReplicaSet up if the surge allows, else old ones down if
// availability allows, else clean up.

#include <fmt/format.h>

#include "controllers/deployment/sync_state.h"

namespace kscratch::controllers::deployment {

void DeploymentSync::rollout_rolling() {
  auto [new_rs, old_rss] = get_all_replicasets_and_sync_revision(true);
  RsList all = old_rss;
  all.push_back(new_rs);

  if (reconcile_new_replicaset(all, new_rs)) {
    sync_rollout_status(all, new_rs);
    return;
  }
  if (reconcile_old_replicasets(all, filter_active(old_rss), new_rs)) {
    sync_rollout_status(all, new_rs);
    return;
  }
  if (deployment_complete(d_, d_.status)) cleanup_deployment(old_rss);
  sync_rollout_status(all, new_rs);
}

// reconcileNewReplicaSet: true when the new ReplicaSet was resized.
bool DeploymentSync::reconcile_new_replicaset(const RsList& all_rss, const RsPtr& new_rs) {
  if (rs_replicas(*new_rs) == d_.replicas) return false;
  if (rs_replicas(*new_rs) > d_.replicas) return scale_replicaset_and_record_event(new_rs, d_.replicas).first;
  auto new_replicas = new_rs_new_replicas(d_, all_rss, *new_rs);
  if (!new_replicas) throw Abort{new_replicas.error().message};
  return scale_replicaset_and_record_event(new_rs, *new_replicas).first;
}

// reconcileOldReplicaSets: true when old ReplicaSets were scaled down.
bool DeploymentSync::reconcile_old_replicasets(RsList all_rss, RsList old_rss, const RsPtr& new_rs) {
  if (replica_count(old_rss) == 0) return false;  // nothing left to scale down
  const int32_t all_pods = replica_count(all_rss);
  const int32_t min_available = d_.replicas - max_unavailable(d_);
  // How far we may go down: keep minAvailable, and count the new ReplicaSet's unavailable
  // pods as gone already, so crash-looping new pods never let us remove healthy old ones.
  // (10 replicas, maxUnavailable 2, maxSurge 3: 13 pods, 5 new ones crash-looping ->
  // 13 - 8 - 5 = 0, nothing old is removed.)
  const int32_t new_rs_unavailable = rs_replicas(*new_rs) - rs_available_replicas(*new_rs);
  const int32_t max_scaled_down = all_pods - min_available - new_rs_unavailable;
  if (max_scaled_down <= 0) return false;

  // Unhealthy old replicas go first: removing them costs no availability, and they would
  // otherwise block the rollout (kubernetes#16737).
  auto cleaned = cleanup_unhealthy_replicas(std::move(old_rss), max_scaled_down);
  if (!cleaned) return false;  // upstream swallows this error
  auto& [cleaned_old_rss, cleanup_count] = *cleaned;

  all_rss = cleaned_old_rss;
  all_rss.push_back(new_rs);
  auto scaled_down = scale_down_old_replicasets_for_rolling_update(all_rss, cleaned_old_rss);
  if (!scaled_down) return false;
  return cleanup_count + *scaled_down > 0;
}

// cleanupUnhealthyReplicas: scales old ReplicaSets down by their unavailable pods, oldest
// first, at most max_cleanup_count in all. The ReplicaSet controller deletes not-ready
// pods first, so these are the ones that go.
std::optional<std::pair<RsList, int32_t>> DeploymentSync::cleanup_unhealthy_replicas(RsList old_rss,
                                                                                     int32_t max_cleanup_count) {
  sort_by_creation(old_rss);
  int32_t total_scaled_down = 0;
  for (RsPtr& target : old_rss) {
    if (total_scaled_down >= max_cleanup_count) break;
    if (rs_replicas(*target) == 0) continue;
    if (rs_replicas(*target) == rs_available_replicas(*target)) continue;  // all healthy
    const int32_t scaled_down_count = std::min(max_cleanup_count - total_scaled_down,
                                               rs_replicas(*target) - rs_available_replicas(*target));
    const int32_t new_replicas = rs_replicas(*target) - scaled_down_count;
    if (new_replicas > rs_replicas(*target)) return std::nullopt;  // status ahead of spec: "invalid request"
    target = scale_replicaset_and_record_event(target, new_replicas).second;
    total_scaled_down += scaled_down_count;
  }
  return std::make_pair(std::move(old_rss), total_scaled_down);
}

// scaleDownOldReplicaSetsForRollingUpdate: removes available old pods down to minAvailable,
// oldest ReplicaSets first.
std::optional<int32_t> DeploymentSync::scale_down_old_replicasets_for_rolling_update(const RsList& all_rss,
                                                                                     RsList old_rss) {
  const int32_t min_available = d_.replicas - max_unavailable(d_);
  const int32_t available = available_replica_count(all_rss);
  if (available <= min_available) return 0;
  sort_by_creation(old_rss);
  int32_t total_scaled_down = 0;
  const int32_t total_scale_down_count = available - min_available;
  for (const RsPtr& target : old_rss) {
    if (total_scaled_down >= total_scale_down_count) break;
    if (rs_replicas(*target) == 0) continue;
    const int32_t scale_down_count = std::min(rs_replicas(*target), total_scale_down_count - total_scaled_down);
    const int32_t new_replicas = rs_replicas(*target) - scale_down_count;
    if (new_replicas > rs_replicas(*target)) return std::nullopt;
    scale_replicaset_and_record_event(target, new_replicas);
    total_scaled_down += scale_down_count;
  }
  return total_scaled_down;
}

}  // namespace kscratch::controllers::deployment
