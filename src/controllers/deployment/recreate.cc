// Upstream pkg/controller/deployment/recreate.go: the Recreate strategy. All old pods go
// first; the new ReplicaSet is created only once none of them runs any more.

#include "controllers/deployment/sync_state.h"
#include "controllers/common/pods.h"

namespace kscratch::controllers::deployment {

void DeploymentSync::rollout_recreate() {
  // Do not create the new ReplicaSet yet: it must not scale up before old ones are down.
  auto [new_rs, old_rss] = get_all_replicasets_and_sync_revision(false);
  RsList all = old_rss;
  all.push_back(new_rs);
  RsList active_old = filter_active(old_rss);

  if (scale_down_old_replicasets_for_recreate(active_old)) {
    sync_rollout_status(all, new_rs);
    return;
  }
  if (old_pods_running(new_rs, old_rss)) {
    sync_rollout_status(all, new_rs);
    return;
  }
  if (!new_rs) {
    std::tie(new_rs, old_rss) = get_all_replicasets_and_sync_revision(true);
    all = old_rss;
    all.push_back(new_rs);
  }
  // scaleUpNewReplicaSetForRecreate.
  scale_replicaset_and_record_event(new_rs, d_.replicas);
  if (deployment_complete(d_, d_.status)) cleanup_deployment(old_rss);
  sync_rollout_status(all, new_rs);
}

// scaleDownOldReplicaSetsForRecreate.
bool DeploymentSync::scale_down_old_replicasets_for_recreate(RsList& old_rss) {
  bool scaled = false;
  for (RsPtr& rs : old_rss) {
    if (rs_replicas(*rs) == 0) continue;
    auto [scaled_rs, updated] = scale_replicaset_and_record_event(rs, 0);
    if (scaled_rs) {
      rs = updated;
      scaled = true;
    }
  }
  return scaled;
}

// oldPodsRunning: an old ReplicaSet still reports pods, or a pod of one is not yet
// Succeeded or Failed (Unknown counts as running: it may well be).
bool DeploymentSync::old_pods_running(const RsPtr& new_rs, const RsList& old_rss) const {
  if (actual_replica_count(old_rss) > 0) return true;
  for (const auto& [rs_uid, pods] : pods_) {
    if (new_rs && uid_of(*new_rs) == rs_uid) continue;
    for (const json::object& pod : pods) {
      const std::string phase = pod_phase(pod);
      if (phase != "Failed" && phase != "Succeeded") return true;
    }
  }
  return false;
}

}  // namespace kscratch::controllers::deployment
