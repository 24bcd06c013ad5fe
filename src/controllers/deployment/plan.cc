// Upstream deployment_controller.go syncDeployment (the dispatch between status-only,
// paused/scaling, Recreate and RollingUpdate), getReplicaSetsForDeployment's claim and
// getPodMapForDeployment, plus the recording of steps.

#include "controllers/deployment/plan.h"

#include <fmt/format.h>

#include "controllers/common/selector.h"
#include "controllers/deployment/sync_state.h"
#include "kscratch/apimachinery/labels.h"

namespace kscratch::controllers::deployment {

namespace labels = apimachinery::labels;

namespace {

// reflect.DeepEqual(d.Spec.Selector, &metav1.LabelSelector{}): a selector that selects
// everything (an empty matchLabels or matchExpressions is treated the same way).
bool selects_everything(const json::value& selector) {
  const json::object* s = selector.if_object();
  if (!s) return false;
  for (std::string_view field : {"matchLabels", "matchExpressions"}) {
    const json::value* v = s->if_contains(field);
    if (!v || v->is_null()) continue;
    if (v->is_object() && v->get_object().empty()) continue;
    if (v->is_array() && v->get_array().empty()) continue;
    return false;
  }
  return true;
}

}  // namespace

DeploymentPlan DeploymentSync::run() {
  try {
    if (selects_everything(d_.selector)) {
      record_event("Warning", "SelectingAll",
                   "This deployment is selecting all pods. A non-empty selector is required.");
      if (d_.status.observed_generation < d_.generation) d_.status.observed_generation = d_.generation;
    } else if (d_.deleting) {
      sync_status_only();
    } else {
      check_paused_conditions();
      if (d_.paused || is_scaling_event()) {
        sync();
      } else if (d_.strategy_type == "Recreate") {
        rollout_recreate();
      } else if (d_.strategy_type == "RollingUpdate") {
        rollout_rolling();
      } else {
        throw Abort{fmt::format("unexpected deployment strategy type: {}", d_.strategy_type)};
      }
    }
    finish();
  } catch (const Abort& abort) {
    plan_.error = abort.message;
    if (abort.write_deployment) finish();
  }
  return std::move(plan_);
}

void DeploymentSync::record_replicaset_write(StepKind kind, const json::object& rs) {
  const std::string name = name_of(rs);
  if (kind == StepKind::kUpdateReplicaSet) {
    // A second write to the same ReplicaSet in one sync replaces the first (upstream's
    // second write would carry a stale resourceVersion and conflict).
    for (Step& step : plan_.steps) {
      if (step.name == name && (step.kind == StepKind::kUpdateReplicaSet || step.kind == StepKind::kCreateReplicaSet)) {
        step.object = rs;
        return;
      }
    }
  }
  plan_.steps.push_back(Step{kind, name, uid_of(rs), kind == StepKind::kDeleteReplicaSet ? json::object() : rs});
}

void DeploymentSync::record_event(std::string_view type, std::string_view reason, std::string message) {
  plan_.events.push_back(Event{std::string(type), std::string(reason), std::move(message)});
}

void DeploymentSync::finish() {
  if (d_.annotations == original_.annotations && d_.status == original_.status) return;
  json::object deployment = original_.object;
  json::object& metadata = ensure_object(deployment, "metadata");
  if (d_.annotations.empty()) {
    metadata.erase("annotations");
  } else {
    metadata["annotations"] = to_json(d_.annotations);
  }
  deployment["status"] = d_.status.to_json();
  plan_.steps.push_back(Step{StepKind::kUpdateDeploymentStatus, d_.name, d_.uid, std::move(deployment)});
}

DeploymentPlan plan_deployment(const json::object& deployment, const std::vector<json::object>& replicasets,
                               const PodsByReplicaSet& pods, TimePoint now) {
  return DeploymentSync(deployment, replicasets, pods, now).run();
}

ReplicaSetClaim claim_replicasets(const json::object& deployment,
                                  const std::vector<json::object>& replicasets_in_namespace) {
  ReplicaSetClaim claim;
  auto selector = spec_selector(deployment);
  if (!selector) {
    claim.error = fmt::format("deployment {} has invalid label selector: {}", key_of(deployment),
                              selector.error().message);
    return claim;
  }
  for (const json::object& rs : replicasets_in_namespace) {
    switch (claim_object(deployment, rs, selector->matches(labels_of(rs)))) {
      case Claim::kOwned:
        claim.owned.push_back(rs);
        break;
      case Claim::kAdopt:
        claim.adopt.push_back(ObjectPatch{name_of(rs), uid_of(rs), adopt_patch(deployment, kDeploymentKind, uid_of(rs))});
        claim.owned.push_back(rs);
        break;
      case Claim::kRelease:
        claim.release.push_back(ObjectPatch{name_of(rs), uid_of(rs), release_patch(uid_of(deployment), uid_of(rs))});
        break;
      case Claim::kIgnore:
        break;
    }
  }
  return claim;
}

PodsByReplicaSet group_pods_by_replicaset(const json::object& deployment,
                                          const std::vector<json::object>& replicasets,
                                          const std::vector<json::object>& pods_in_namespace) {
  PodsByReplicaSet by_rs;
  for (const json::object& rs : replicasets) by_rs[uid_of(rs)];
  auto selector = spec_selector(deployment);
  if (!selector) return by_rs;
  for (const json::object& pod : pods_in_namespace) {
    if (namespace_of(pod) != namespace_of(deployment) || !selector->matches(labels_of(pod))) continue;
    // Inactive pods count too: Recreate waits for every old pod to be gone.
    const json::object* ref = controller_of(pod);
    if (!ref) continue;
    auto it = by_rs.find(string_at(*ref, "uid"));
    if (it != by_rs.end()) it->second.push_back(pod);
  }
  return by_rs;
}

std::optional<json::object> on_create_already_exists(const json::object& deployment, const json::object& existing) {
  const Deployment d = Deployment::parse(deployment);
  if (is_controlled_by(existing, d.uid) && equal_ignore_hash(d.pod_template, rs_template(existing))) {
    return std::nullopt;
  }
  DeploymentStatus status = d.status;
  status.collision_count = status.collision_count.value_or(0) + 1;
  json::object updated = deployment;
  updated["status"] = status.to_json();
  return updated;
}

CreateFailure on_create_failed(const json::object& deployment, const std::string& replicaset_name,
                               const std::string& error, TimePoint now) {
  const Deployment d = Deployment::parse(deployment);
  std::string message = fmt::format("Failed to create new replica set \"{}\": {}", replicaset_name, error);
  CreateFailure failure{std::nullopt, Event{"Warning", std::string(kFailedRSCreateReason), message}};
  if (has_progress_deadline(d)) {
    DeploymentStatus status = d.status;
    set_condition(status, new_condition(kConditionProgressing, "False", kFailedRSCreateReason, message, now));
    json::object updated = deployment;
    updated["status"] = status.to_json();
    failure.deployment_status_update = std::move(updated);
  }
  return failure;
}

}  // namespace kscratch::controllers::deployment
