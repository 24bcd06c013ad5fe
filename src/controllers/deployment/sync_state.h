#pragma once
// One Deployment sync in progress: upstream's DeploymentController methods as members, the
// API calls they would make recorded as plan steps instead. Shared by sync.cc (scale,
// cleanup, new ReplicaSet), rolling.cc, recreate.cc, progress.cc and status.cc; plan.cc
// drives it (syncDeployment).

#include <stdexcept>

#include "controllers/deployment/plan.h"
#include "controllers/deployment/util.h"

namespace kscratch::controllers::deployment {

class DeploymentSync {
 public:
  DeploymentSync(const json::object& deployment, const std::vector<json::object>& replicasets,
                 const PodsByReplicaSet& pods, TimePoint now);
  // syncDeployment.
  DeploymentPlan run();

 private:
  // An error that ends the sync, as upstream's `return err`; the Deployment is written
  // first when upstream would have written it (write_deployment).
  struct Abort {
    std::string message;
    bool write_deployment = false;
  };

  // sync.go
  void sync_status_only();
  void sync();
  void check_paused_conditions();
  std::pair<RsPtr, RsList> get_all_replicasets_and_sync_revision(bool create_if_not_existed);
  RsPtr get_new_replicaset(RsList old_rss, bool create_if_not_existed);
  void scale(const RsPtr& new_rs, RsList& old_rss);
  std::pair<bool, RsPtr> scale_replicaset_and_record_event(const RsPtr& rs, int32_t new_scale);
  std::pair<bool, RsPtr> scale_replicaset(const RsPtr& rs, int32_t new_scale, std::string_view operation);
  void cleanup_deployment(const RsList& old_rss);
  void sync_deployment_status(const RsList& all_rss, const RsPtr& new_rs);
  bool is_scaling_event();
  // status.cc
  DeploymentStatus calculate_status(const RsList& all_rss, const RsPtr& new_rs) const;
  // rolling.go
  void rollout_rolling();
  bool reconcile_new_replicaset(const RsList& all_rss, const RsPtr& new_rs);
  bool reconcile_old_replicasets(RsList all_rss, RsList old_rss, const RsPtr& new_rs);
  std::optional<std::pair<RsList, int32_t>> cleanup_unhealthy_replicas(RsList old_rss, int32_t max_cleanup_count);
  std::optional<int32_t> scale_down_old_replicasets_for_rolling_update(const RsList& all_rss, RsList old_rss);
  // recreate.go
  void rollout_recreate();
  bool scale_down_old_replicasets_for_recreate(RsList& old_rss);
  bool old_pods_running(const RsPtr& new_rs, const RsList& old_rss) const;
  // progress.go
  void sync_rollout_status(const RsList& all_rss, const RsPtr& new_rs);
  std::vector<DeploymentCondition> replica_failures(const RsList& all_rss, const RsPtr& new_rs) const;
  void requeue_stuck_deployment(const DeploymentStatus& new_status);

  // Recording.
  void record_replicaset_write(StepKind kind, const json::object& rs);
  void record_event(std::string_view type, std::string_view reason, std::string message);
  // Appends the Deployment's write if its annotations or status changed.
  void finish();

  Deployment d_;               // the working copy: annotations and status change as upstream's `d`
  const Deployment original_;  // what the API server has
  RsList rs_list_;
  const PodsByReplicaSet& pods_;
  const TimePoint now_;
  DeploymentPlan plan_;
};

}  // namespace kscratch::controllers::deployment
