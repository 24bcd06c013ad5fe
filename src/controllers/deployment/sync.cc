// Upstream pkg/controller/deployment/sync.go: the new ReplicaSet and revisions
// (getAllReplicaSetsAndSyncRevision, getNewReplicaSet), scaling events and paused
// Deployments (sync, scale, isScalingEvent), history cleanup, status writes.

#include <fmt/format.h>

#include "controllers/deployment/sync_state.h"

namespace kscratch::controllers::deployment {

DeploymentSync::DeploymentSync(const json::object& deployment, const std::vector<json::object>& replicasets,
                               const PodsByReplicaSet& pods, TimePoint now)
    : d_(Deployment::parse(deployment)), original_(d_), pods_(pods), now_(now) {
  for (const json::object& rs : replicasets) rs_list_.push_back(std::make_shared<const json::object>(rs));
}

// syncStatusOnly: a Deployment being deleted only gets its status refreshed.
void DeploymentSync::sync_status_only() {
  auto [new_rs, old_rss] = get_all_replicasets_and_sync_revision(false);
  RsList all = old_rss;
  all.push_back(new_rs);
  sync_deployment_status(all, new_rs);
}

// sync: reconciles scaling events and paused Deployments, without rolling anything out.
void DeploymentSync::sync() {
  auto [new_rs, old_rss] = get_all_replicasets_and_sync_revision(false);
  scale(new_rs, old_rss);
  // Clean up a paused Deployment's history (no rollback can be in flight: apps/v1 has none).
  if (d_.paused) cleanup_deployment(old_rss);
  RsList all = old_rss;
  all.push_back(new_rs);
  sync_deployment_status(all, new_rs);
}

// checkPausedConditions: Progressing=Unknown while paused, so that the time spent paused
// never counts against progressDeadlineSeconds.
void DeploymentSync::check_paused_conditions() {
  if (!has_progress_deadline(d_)) return;
  const DeploymentCondition* cond = get_condition(d_.status, kConditionProgressing);
  if (cond && cond->reason == kTimedOutReason) return;  // a reported timeout stays
  const bool paused_condition_exists = cond && cond->reason == kPausedDeployReason;
  if (d_.paused && !paused_condition_exists) {
    set_condition(d_.status,
                  new_condition(kConditionProgressing, "Unknown", kPausedDeployReason, "Deployment is paused", now_));
  } else if (!d_.paused && paused_condition_exists) {
    set_condition(d_.status,
                  new_condition(kConditionProgressing, "Unknown", kResumedDeployReason, "Deployment is resumed", now_));
  }
}

// getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing)
// and all old ones, with the new one's revision and the Deployment's brought up to date.
std::pair<RsPtr, RsList> DeploymentSync::get_all_replicasets_and_sync_revision(bool create_if_not_existed) {
  RsList old_rss = find_old_replicasets(d_, rs_list_);
  RsPtr new_rs = get_new_replicaset(old_rss, create_if_not_existed);
  return {new_rs, old_rss};
}

namespace {

std::string quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

}  // namespace

RsPtr DeploymentSync::get_new_replicaset(RsList old_rss, bool create_if_not_existed) {
  RsPtr existing = find_new_replicaset(d_, rs_list_);
  const std::string new_revision = std::to_string(max_revision(old_rss) + 1);

  if (existing) {
    // Sync its annotations (revision, those copied from the Deployment) and minReadySeconds,
    // then copy its revision to the Deployment.
    json::object copy = *existing;
    const bool annotations_updated =
        set_new_replicaset_annotations(d_, copy, new_revision, true, kMaxRevisionHistoryLengthInChars);
    const bool min_ready_seconds_needs_update = rs_min_ready_seconds(copy) != d_.min_ready_seconds;
    if (annotations_updated || min_ready_seconds_needs_update) {
      json::object& spec = ensure_object(copy, "spec");
      if (d_.min_ready_seconds) {
        spec["minReadySeconds"] = d_.min_ready_seconds;
      } else {
        spec.erase("minReadySeconds");
      }
      record_replicaset_write(StepKind::kUpdateReplicaSet, copy);
      return std::make_shared<const json::object>(std::move(copy));
    }
    set_deployment_revision(d_.annotations, annotation_of(copy, kRevisionAnnotation).value_or(""));
    // Users who set a deadline on an existing Deployment start caring about progress now:
    // count from the first time the new ReplicaSet was noticed.
    if (has_progress_deadline(d_) && !get_condition(d_.status, kConditionProgressing)) {
      set_condition(d_.status, new_condition(kConditionProgressing, "True", kFoundNewRSReason,
                                             "Found new replica set " + quoted(name_of(copy)), now_));
    }
    return std::make_shared<const json::object>(std::move(copy));
  }

  if (!create_if_not_existed) return nullptr;

  // The new ReplicaSet: the Deployment's template with the pod-template-hash label, which
  // also joins the selector and the ReplicaSet's labels so old and new never share pods.
  const std::string hash = compute_hash(d_.pod_template, d_.status.collision_count);
  json::object pod_template = d_.pod_template;
  json::object& template_meta = ensure_object(pod_template, "metadata");
  ensure_object(template_meta, "labels")[kPodTemplateHashLabel] = hash;
  json::value selector = d_.selector;
  if (selector.is_object()) ensure_object(selector.get_object(), "matchLabels")[kPodTemplateHashLabel] = hash;

  const std::string name = d_.name + "-" + hash;
  json::object metadata{{"name", name}, {"namespace", d_.ns}, {"labels", template_meta["labels"]}};
  metadata["ownerReferences"] = json::array{controller_ref(d_.object, kDeploymentKind)};
  json::object spec{{"replicas", 0}};
  if (d_.min_ready_seconds) spec["minReadySeconds"] = d_.min_ready_seconds;
  spec["selector"] = std::move(selector);
  spec["template"] = std::move(pod_template);
  json::object new_rs{{"apiVersion", "apps/v1"},
                      {"kind", "ReplicaSet"},
                      {"metadata", std::move(metadata)},
                      {"spec", std::move(spec)}};

  RsList all = old_rss;
  all.push_back(std::make_shared<const json::object>(new_rs));
  auto new_replicas = new_rs_new_replicas(d_, all, new_rs);
  if (!new_replicas) throw Abort{new_replicas.error().message};
  ensure_object(new_rs, "spec")["replicas"] = *new_replicas;
  set_new_replicaset_annotations(d_, new_rs, new_revision, false, kMaxRevisionHistoryLengthInChars);

  // The create would fail with AlreadyExists: a ReplicaSet of this name with another
  // template is a hash collision. Bump collisionCount so the next sync picks another name.
  for (const RsPtr& rs : rs_list_) {
    if (name_of(*rs) != name) continue;
    d_.status.collision_count = d_.status.collision_count.value_or(0) + 1;
    throw Abort{fmt::format("replicasets.apps {} already exists", quoted(name)), true};
  }

  record_replicaset_write(StepKind::kCreateReplicaSet, new_rs);
  if (*new_replicas > 0) {
    record_event("Normal", "ScalingReplicaSet", fmt::format("Scaled up replica set {} to {}", name, *new_replicas));
  }
  set_deployment_revision(d_.annotations, new_revision);
  if (has_progress_deadline(d_)) {
    set_condition(d_.status, new_condition(kConditionProgressing, "True", kNewReplicaSetReason,
                                           "Created new replica set " + quoted(name), now_));
  }
  return std::make_shared<const json::object>(std::move(new_rs));
}

// scale: proportional scaling. Scaling up only the new ReplicaSet or down only old ones
// would hasten a rollout that may be going wrong; so on a scaling event mid-rollout every
// active ReplicaSet grows or shrinks by its share.
void DeploymentSync::scale(const RsPtr& new_rs, RsList& old_rss) {
  // One active ReplicaSet (or none: then the newest) takes the whole count.
  if (RsPtr active_or_latest = find_active_or_latest(new_rs, old_rss)) {
    if (rs_replicas(*active_or_latest) == d_.replicas) return;
    scale_replicaset_and_record_event(active_or_latest, d_.replicas);
    return;
  }
  // A saturated new ReplicaSet (e.g. just adopted): the old ones go to zero.
  if (is_saturated(d_, new_rs)) {
    for (const RsPtr& old : filter_active(old_rss)) scale_replicaset_and_record_event(old, 0);
    return;
  }
  if (!is_rolling_update(d_)) return;

  RsList all = old_rss;
  all.push_back(new_rs);
  all = filter_active(all);
  const int32_t all_replicas = replica_count(all);
  const int32_t allowed_size = d_.replicas > 0 ? d_.replicas + max_surge(d_) : 0;
  // Replicas to distribute (negative: to take away) among the active ReplicaSets, largest
  // first; among equals, newer ones grow first and older ones shrink first.
  const int32_t to_add = allowed_size - all_replicas;
  std::string_view operation;
  if (to_add > 0) {
    std::stable_sort(all.begin(), all.end(), [](const RsPtr& a, const RsPtr& b) { return larger_then_newer(*a, *b); });
    operation = "up";
  } else if (to_add < 0) {
    std::stable_sort(all.begin(), all.end(), [](const RsPtr& a, const RsPtr& b) { return larger_then_older(*a, *b); });
    operation = "down";
  }

  int32_t added = 0;
  std::vector<int32_t> sizes;
  for (const RsPtr& rs : all) {
    if (to_add != 0) {
      const int32_t proportion = get_proportion(rs.get(), d_, to_add, added);
      sizes.push_back(rs_replicas(*rs) + proportion);
      added += proportion;
    } else {
      sizes.push_back(rs_replicas(*rs));
    }
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    // Rounding leftovers go to the largest ReplicaSet.
    if (i == 0 && to_add != 0) sizes[0] = std::max(sizes[0] + (to_add - added), 0);
    scale_replicaset(all[i], sizes[i], operation);
  }
}

std::pair<bool, RsPtr> DeploymentSync::scale_replicaset_and_record_event(const RsPtr& rs, int32_t new_scale) {
  if (rs_replicas(*rs) == new_scale) return {false, rs};
  return scale_replicaset(rs, new_scale, rs_replicas(*rs) < new_scale ? "up" : "down");
}

// scaleReplicaSet: sets spec.replicas and the desired/max-replicas annotations, which
// record the Deployment size this ReplicaSet was sized for (see isScalingEvent, getProportion).
std::pair<bool, RsPtr> DeploymentSync::scale_replicaset(const RsPtr& rs, int32_t new_scale,
                                                         std::string_view operation) {
  const bool size_needs_update = rs_replicas(*rs) != new_scale;
  const int32_t max_replicas = d_.replicas + max_surge(d_);
  const bool annotations_need_update = replicas_annotations_need_update(*rs, d_.replicas, max_replicas);
  if (!size_needs_update && !annotations_need_update) return {false, rs};
  const int32_t old_scale = rs_replicas(*rs);
  json::object copy = with_replicas(*rs, new_scale);
  set_replicas_annotations(copy, d_.replicas, max_replicas);
  record_replicaset_write(StepKind::kUpdateReplicaSet, copy);
  if (size_needs_update) {
    record_event("Normal", "ScalingReplicaSet",
                 fmt::format("Scaled {} replica set {} to {} from {}", operation, name_of(copy), new_scale, old_scale));
  }
  return {size_needs_update, std::make_shared<const json::object>(std::move(copy))};
}

// cleanupDeployment: keeps the newest revisionHistoryLimit old ReplicaSets (for rollbacks)
// and deletes older ones that are fully scaled down.
void DeploymentSync::cleanup_deployment(const RsList& old_rss) {
  if (!has_revision_history_limit(d_)) return;
  RsList cleanable;
  for (const RsPtr& rs : old_rss) {
    if (rs && !is_being_deleted(*rs)) cleanable.push_back(rs);
  }
  const auto diff = static_cast<int32_t>(cleanable.size()) - *d_.revision_history_limit;
  if (diff <= 0) return;
  std::stable_sort(cleanable.begin(), cleanable.end(),
                   [](const RsPtr& a, const RsPtr& b) { return lower_revision(*a, *b); });
  for (int32_t i = 0; i < diff; ++i) {
    const json::object& rs = *cleanable[static_cast<std::size_t>(i)];
    // Only those with no pods, whose controller has seen their latest spec.
    if (rs_status_replicas(rs) != 0 || rs_replicas(rs) != 0 || generation_of(rs) > rs_observed_generation(rs) ||
        is_being_deleted(rs)) {
      continue;
    }
    record_replicaset_write(StepKind::kDeleteReplicaSet, rs);
  }
}

void DeploymentSync::sync_deployment_status(const RsList& all_rss, const RsPtr& new_rs) {
  DeploymentStatus new_status = calculate_status(all_rss, new_rs);
  if (new_status == d_.status) return;
  d_.status = std::move(new_status);
}

// isScalingEvent: an active ReplicaSet was sized for another Deployment size (its
// desired-replicas annotation), so spec.replicas changed.
bool DeploymentSync::is_scaling_event() {
  auto [new_rs, old_rss] = get_all_replicasets_and_sync_revision(false);
  RsList all = old_rss;
  all.push_back(new_rs);
  for (const RsPtr& rs : filter_active(all)) {
    std::optional<int32_t> desired = desired_replicas_annotation(*rs);
    if (desired && *desired != d_.replicas) return true;
  }
  return false;
}

}  // namespace kscratch::controllers::deployment
