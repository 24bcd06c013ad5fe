#include "controllers/replicaset/plan.h"

#include <algorithm>
#include <set>

#include "controllers/common/pods.h"
#include "controllers/common/selector.h"
#include "controllers/replicaset/pod_ranking.h"
#include "controllers/replicaset/slow_start.h"
#include "kscratch/apimachinery/labels.h"

namespace kscratch::controllers::replicaset {

namespace labels = apimachinery::labels;

namespace {

const json::object& spec_of(const json::object& rs) {
  static const json::object empty;
  const json::object* spec = object_at(rs, "spec");
  return spec ? *spec : empty;
}

int32_t spec_replicas(const json::object& rs) {
  return static_cast<int32_t>(int_at(spec_of(rs), "replicas").value_or(1));
}

// manageReplicas: the creates or deletes that bring the owned pods to spec.replicas.
void manage_replicas(const json::object& rs, const std::vector<const json::object*>& owned, TimePoint now,
                     const ReplicaSetPlanOptions& options, ReplicaSetPlan& plan) {
  int diff = static_cast<int>(owned.size()) - spec_replicas(rs);
  if (diff < 0) {
    plan.create_count = std::min(-diff, options.burst_replicas);
    plan.pod_template = pod_from_template(rs);
    plan.create_batches = slow_start_batches(plan.create_count);
  } else if (diff > 0) {
    diff = std::min(diff, options.burst_replicas);
    for (const json::object* pod : pods_to_delete(owned, options.related_pods, diff, now)) {
      plan.delete_pods.push_back(PodRef{name_of(*pod), uid_of(*pod), key_of(*pod)});
    }
  }
}

}  // namespace

ReplicaSetPlan plan_replicaset(const json::object& rs, const std::vector<json::object>& pods, TimePoint now,
                               const ReplicaSetPlanOptions& options) {
  ReplicaSetPlan plan;
  plan.key = key_of(rs);
  auto selector = spec_selector(rs);
  if (!selector) {
    plan.error = "error converting pod selector to selector for rs " + plan.key + ": " + selector.error().message;
    return plan;
  }

  // FilterActivePods, then claimPods (PodControllerRefManager.ClaimPods).
  const std::string ns = namespace_of(rs);
  std::vector<const json::object*> owned;
  for (const json::object& pod : pods) {
    if (namespace_of(pod) != ns || !is_pod_active(pod)) continue;
    switch (claim_object(rs, pod, selector->matches(labels_of(pod)))) {
      case Claim::kOwned:
        owned.push_back(&pod);
        break;
      case Claim::kAdopt:
        plan.adopt.push_back(ObjectPatch{name_of(pod), uid_of(pod), adopt_patch(rs, kReplicaSetKind, uid_of(pod))});
        owned.push_back(&pod);
        break;
      case Claim::kRelease:
        plan.release.push_back(ObjectPatch{name_of(pod), uid_of(pod), release_patch(uid_of(rs), uid_of(pod))});
        break;
      case Claim::kIgnore:
        break;
    }
  }

  if (options.expectations_satisfied && !is_being_deleted(rs)) manage_replicas(rs, owned, now, options, plan);

  plan.status = status_update(rs, calculate_status(rs, owned, now, std::nullopt));
  const ReplicaSetStatus written = plan.status ? *plan.status : ReplicaSetStatus::from_json(rs);
  // Resync after minReadySeconds as a last line of defense: pods turn available without
  // any event to wake the controller.
  const auto min_ready_seconds = int_at(spec_of(rs), "minReadySeconds").value_or(0);
  if (min_ready_seconds > 0 && written.ready_replicas == spec_replicas(rs) &&
      written.available_replicas != spec_replicas(rs)) {
    plan.requeue_after = std::chrono::seconds(min_ready_seconds);
  }

  plan.owned_pods.reserve(owned.size());
  for (const json::object* pod : owned) plan.owned_pods.push_back(*pod);
  return plan;
}

std::optional<ReplicaSetStatus> status_after_error(const json::object& rs, const ReplicaSetPlan& plan,
                                                   TimePoint now, const std::string& error) {
  std::vector<const json::object*> owned;
  for (const json::object& pod : plan.owned_pods) owned.push_back(&pod);
  return status_update(rs, calculate_status(rs, owned, now, error));
}

json::object pod_from_template(const json::object& rs) {
  const json::object* tmpl = object_at(spec_of(rs), "template");
  const json::object* tmpl_meta = tmpl ? object_at(*tmpl, "metadata") : nullptr;

  // getPodsPrefix: "<name>-" unless that is too long for a pod name prefix.
  const std::string name = name_of(rs);
  json::object metadata;
  metadata["generateName"] = name.size() + 1 > 253 ? name : name + "-";
  metadata["namespace"] = namespace_of(rs);
  if (tmpl_meta) {
    for (std::string_view field : {"labels", "annotations", "finalizers"}) {
      const json::value* v = tmpl_meta->if_contains(field);
      if (v && ((v->is_object() && !v->get_object().empty()) || (v->is_array() && !v->get_array().empty()))) {
        metadata[field] = *v;
      }
    }
  }
  metadata["ownerReferences"] = json::array{controller_ref(rs, kReplicaSetKind)};

  json::object pod{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(metadata)}};
  const json::value* spec = tmpl ? tmpl->if_contains("spec") : nullptr;
  pod["spec"] = spec && spec->is_object() ? *spec : json::object();
  return pod;
}

std::vector<const json::object*> related_pods(const json::object& rs,
                                              const std::vector<json::object>& replicasets_in_namespace,
                                              const std::vector<json::object>& pods_in_namespace) {
  std::vector<const json::object*> related;
  const json::object* controller = controller_of(rs);
  if (!controller) return related;
  const std::string controller_uid = string_at(*controller, "uid");
  std::set<std::string> seen;
  for (const json::object& sibling : replicasets_in_namespace) {
    if (!is_controlled_by(sibling, controller_uid)) continue;
    auto selector = spec_selector(sibling);
    if (!selector) continue;  // an invalid selector matches no pods
    for (const json::object& pod : pods_in_namespace) {
      if (namespace_of(pod) != namespace_of(sibling) || !selector->matches(labels_of(pod))) continue;
      if (seen.insert(uid_of(pod)).second) related.push_back(&pod);
    }
  }
  return related;
}

}  // namespace kscratch::controllers::replicaset
