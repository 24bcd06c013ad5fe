// Upstream pkg/controller/deployment/progress.go: the Progressing condition during a
// rollout (what `kubectl rollout status` waits on) and the progress-deadline requeue.

#include <fmt/format.h>

#include "controllers/deployment/sync_state.h"

namespace kscratch::controllers::deployment {

namespace {

// `Deployment "x" ...` or, once there is a new ReplicaSet, `ReplicaSet "x-hash" ...`.
std::string subject(const Deployment& d, const RsPtr& new_rs) {
  return new_rs ? fmt::format("ReplicaSet \"{}\"", name_of(*new_rs)) : fmt::format("Deployment \"{}\"", d.name);
}

}  // namespace

// syncRolloutStatus.
void DeploymentSync::sync_rollout_status(const RsList& all_rss, const RsPtr& new_rs) {
  DeploymentStatus new_status = calculate_status(all_rss, new_rs);
  if (!has_progress_deadline(d_)) remove_condition(new_status, kConditionProgressing);

  // A finished rollout being resynced: nothing to estimate.
  const DeploymentCondition* current = get_condition(d_.status, kConditionProgressing);
  const bool complete_deployment = new_status.replicas == new_status.updated_replicas && current &&
                                   current->reason == kNewRSAvailableReason;
  if (has_progress_deadline(d_) && !complete_deployment) {
    if (deployment_complete(d_, new_status)) {
      set_condition(new_status, new_condition(kConditionProgressing, "True", kNewRSAvailableReason,
                                              subject(d_, new_rs) + " has successfully progressed.", now_));
    } else if (deployment_progressing(d_, new_status)) {
      // Same reason again but a new lastUpdateTime: the deadline counts from the last
      // progress, so the condition is replaced rather than set (set ignores same reasons).
      DeploymentCondition condition = new_condition(kConditionProgressing, "True", kReplicaSetUpdatedReason,
                                                    subject(d_, new_rs) + " is progressing.", now_);
      if (current) {
        if (current->status == "True") condition.last_transition_time = current->last_transition_time;
        remove_condition(new_status, kConditionProgressing);
      }
      set_condition(new_status, std::move(condition));
    } else if (deployment_timed_out(d_, new_status, now_)) {
      set_condition(new_status, new_condition(kConditionProgressing, "False", kTimedOutReason,
                                              subject(d_, new_rs) + " has timed out progressing.", now_));
    }
  }

  // The ReplicaSets' ReplicaFailure condition (the new one's first) surfaces here.
  std::vector<DeploymentCondition> failures = replica_failures(all_rss, new_rs);
  if (!failures.empty()) {
    set_condition(new_status, failures.front());
  } else {
    remove_condition(new_status, kConditionReplicaFailure);
  }

  if (new_status == d_.status) {
    requeue_stuck_deployment(new_status);
    return;
  }
  d_.status = std::move(new_status);
}

// getReplicaFailures.
std::vector<DeploymentCondition> DeploymentSync::replica_failures(const RsList& all_rss, const RsPtr& new_rs) const {
  auto collect = [](const json::object& rs, std::vector<DeploymentCondition>& out) {
    const json::object* status = object_at(rs, "status");
    const json::value* conditions = status ? status->if_contains("conditions") : nullptr;
    if (!conditions || !conditions->is_array()) return;
    for (const json::value& c : conditions->get_array()) {
      const json::object* cond = c.if_object();
      if (!cond || string_at(*cond, "type") != kConditionReplicaFailure) continue;
      // ReplicaSetToDeploymentCondition: lastUpdateTime is the transition time.
      const std::string t = string_at(*cond, "lastTransitionTime");
      out.push_back(DeploymentCondition{string_at(*cond, "type"), string_at(*cond, "status"), t, t,
                                        string_at(*cond, "reason"), string_at(*cond, "message")});
    }
  };
  std::vector<DeploymentCondition> failures;
  if (new_rs) collect(*new_rs, failures);
  if (!failures.empty()) return failures;
  for (const RsPtr& rs : all_rss) {
    if (rs) collect(*rs, failures);
  }
  return failures;
}

// requeueStuckDeployment: nothing changed, so no event will come; if the rollout is still
// running, come back when its progress deadline would pass.
void DeploymentSync::requeue_stuck_deployment(const DeploymentStatus& new_status) {
  const DeploymentCondition* current = get_condition(d_.status, kConditionProgressing);
  if (!has_progress_deadline(d_) || !current) return;
  if (deployment_complete(d_, new_status) || current->reason == kTimedOutReason) return;
  const TimePoint last_update = parse_time(current->last_update_time).value_or(TimePoint{});
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
      last_update + std::chrono::seconds(*d_.progress_deadline_seconds) - now_);
  if (after < std::chrono::seconds(1)) {
    plan_.requeue_after = std::chrono::milliseconds(0);  // now, rate limited
    return;
  }
  // A second more, against millisecond skew in delayed queues (kubernetes#39785).
  plan_.requeue_after = after + std::chrono::seconds(1);
}

}  // namespace kscratch::controllers::deployment
