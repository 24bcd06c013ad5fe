#include "controllers/replicaset/status.h"

#include "controllers/common/pods.h"
#include "kscratch/apimachinery/labels.h"

namespace kscratch::controllers::replicaset {

namespace {

int32_t spec_replicas(const json::object& rs) {
  const json::object* spec = object_at(rs, "spec");
  return static_cast<int32_t>(spec ? int_at(*spec, "replicas").value_or(1) : 1);
}

const json::object* find_condition(const json::array& conditions, std::string_view type) {
  for (const json::value& c : conditions) {
    if (const json::object* o = c.if_object(); o && string_at(*o, "type") == type) return o;
  }
  return nullptr;
}

json::array without_condition(const json::array& conditions, std::string_view type) {
  json::array out;
  for (const json::value& c : conditions) {
    if (const json::object* o = c.if_object(); o && string_at(*o, "type") == type) continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

ReplicaSetStatus ReplicaSetStatus::from_json(const json::object& rs) {
  ReplicaSetStatus s;
  const json::object* st = object_at(rs, "status");
  if (!st) return s;
  s.replicas = static_cast<int32_t>(int_at(*st, "replicas").value_or(0));
  s.fully_labeled_replicas = static_cast<int32_t>(int_at(*st, "fullyLabeledReplicas").value_or(0));
  s.ready_replicas = static_cast<int32_t>(int_at(*st, "readyReplicas").value_or(0));
  s.available_replicas = static_cast<int32_t>(int_at(*st, "availableReplicas").value_or(0));
  s.observed_generation = int_at(*st, "observedGeneration").value_or(0);
  if (const json::value* c = st->if_contains("conditions"); c && c->is_array()) s.conditions = c->get_array();
  return s;
}

json::object ReplicaSetStatus::to_json() const {
  json::object o;
  o["replicas"] = replicas;
  if (fully_labeled_replicas) o["fullyLabeledReplicas"] = fully_labeled_replicas;
  if (ready_replicas) o["readyReplicas"] = ready_replicas;
  if (available_replicas) o["availableReplicas"] = available_replicas;
  if (observed_generation) o["observedGeneration"] = observed_generation;
  if (!conditions.empty()) o["conditions"] = conditions;
  return o;
}

ReplicaSetStatus calculate_status(const json::object& rs, const std::vector<const json::object*>& pods,
                                  TimePoint now, const std::optional<std::string>& manage_error) {
  ReplicaSetStatus status = ReplicaSetStatus::from_json(rs);
  const json::object* spec = object_at(rs, "spec");
  const json::object* tmpl = spec ? object_at(*spec, "template") : nullptr;
  const json::object* tmpl_meta = tmpl ? object_at(*tmpl, "metadata") : nullptr;
  // Pods whose labels include all of the template's: the template's labels are a superset
  // of the selector, so this counts pods that carry every label a new pod would get.
  const auto template_selector = apimachinery::labels::selector_from_set(
      string_map(tmpl_meta ? object_at(*tmpl_meta, "labels") : nullptr));
  const auto min_ready_seconds = static_cast<int32_t>(spec ? int_at(*spec, "minReadySeconds").value_or(0) : 0);

  int32_t fully_labeled = 0, ready = 0, available = 0;
  for (const json::object* pod : pods) {
    if (template_selector.matches(labels_of(*pod))) ++fully_labeled;
    if (is_pod_ready(*pod)) {
      ++ready;
      if (is_pod_available(*pod, min_ready_seconds, now)) ++available;
    }
  }

  const bool has_failure = find_condition(status.conditions, "ReplicaFailure") != nullptr;
  if (manage_error && !has_failure) {
    const int diff = static_cast<int>(pods.size()) - spec_replicas(rs);
    std::string reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    // SetCondition: the condition is absent here, so it is simply appended.
    status.conditions.push_back(json::object{{"type", "ReplicaFailure"},
                                             {"status", "True"},
                                             {"lastTransitionTime", format_time(now)},
                                             {"reason", reason},
                                             {"message", *manage_error}});
  } else if (!manage_error && has_failure) {
    status.conditions = without_condition(status.conditions, "ReplicaFailure");
  }

  status.replicas = static_cast<int32_t>(pods.size());
  status.fully_labeled_replicas = fully_labeled;
  status.ready_replicas = ready;
  status.available_replicas = available;
  return status;
}

std::optional<ReplicaSetStatus> status_update(const json::object& rs, ReplicaSetStatus status) {
  const ReplicaSetStatus current = ReplicaSetStatus::from_json(rs);
  const int64_t generation = generation_of(rs);
  if (current.replicas == status.replicas && current.fully_labeled_replicas == status.fully_labeled_replicas &&
      current.ready_replicas == status.ready_replicas &&
      current.available_replicas == status.available_replicas && generation == current.observed_generation &&
      current.conditions == status.conditions) {
    return std::nullopt;
  }
  status.observed_generation = generation;
  return status;
}

}  // namespace kscratch::controllers::replicaset
