#include "controllers/deployment/types.h"

namespace kscratch::controllers::deployment {

DeploymentCondition DeploymentCondition::from_json(const json::object& o) {
  return DeploymentCondition{string_at(o, "type"),           string_at(o, "status"),
                             string_at(o, "lastUpdateTime"), string_at(o, "lastTransitionTime"),
                             string_at(o, "reason"),         string_at(o, "message")};
}

json::object DeploymentCondition::to_json() const {
  // Field order of apps/v1's DeploymentCondition, empty strings omitted as Go does.
  json::object o;
  o["type"] = type;
  o["status"] = status;
  if (!last_update_time.empty()) o["lastUpdateTime"] = last_update_time;
  if (!last_transition_time.empty()) o["lastTransitionTime"] = last_transition_time;
  if (!reason.empty()) o["reason"] = reason;
  if (!message.empty()) o["message"] = message;
  return o;
}

DeploymentStatus DeploymentStatus::from_json(const json::object* status) {
  DeploymentStatus s;
  if (!status) return s;
  auto i32 = [status](std::string_view key) { return static_cast<int32_t>(int_at(*status, key).value_or(0)); };
  s.observed_generation = int_at(*status, "observedGeneration").value_or(0);
  s.replicas = i32("replicas");
  s.updated_replicas = i32("updatedReplicas");
  s.ready_replicas = i32("readyReplicas");
  s.available_replicas = i32("availableReplicas");
  s.unavailable_replicas = i32("unavailableReplicas");
  if (const json::value* c = status->if_contains("conditions"); c && c->is_array()) {
    for (const json::value& cond : c->get_array()) {
      if (const json::object* o = cond.if_object()) s.conditions.push_back(DeploymentCondition::from_json(*o));
    }
  }
  if (auto cc = int_at(*status, "collisionCount")) s.collision_count = static_cast<int32_t>(*cc);
  return s;
}

json::object DeploymentStatus::to_json() const {
  json::object o;
  if (observed_generation) o["observedGeneration"] = observed_generation;
  if (replicas) o["replicas"] = replicas;
  if (updated_replicas) o["updatedReplicas"] = updated_replicas;
  if (ready_replicas) o["readyReplicas"] = ready_replicas;
  if (available_replicas) o["availableReplicas"] = available_replicas;
  if (unavailable_replicas) o["unavailableReplicas"] = unavailable_replicas;
  if (!conditions.empty()) {
    json::array a;
    for (const DeploymentCondition& c : conditions) a.push_back(c.to_json());
    o["conditions"] = std::move(a);
  }
  if (collision_count) o["collisionCount"] = *collision_count;
  return o;
}

Deployment Deployment::parse(const json::object& object) {
  Deployment d;
  d.object = object;
  const json::object& meta = metadata_of(d.object);
  d.name = string_at(meta, "name");
  d.ns = string_at(meta, "namespace");
  d.uid = string_at(meta, "uid");
  d.generation = int_at(meta, "generation").value_or(0);
  d.deleting = is_being_deleted(d.object);
  d.annotations = annotations_of(d.object);

  static const json::object empty;
  const json::object* spec_ptr = object_at(d.object, "spec");
  const json::object& spec = spec_ptr ? *spec_ptr : empty;
  d.replicas = static_cast<int32_t>(int_at(spec, "replicas").value_or(1));
  d.paused = bool_at(spec, "paused");
  d.min_ready_seconds = static_cast<int32_t>(int_at(spec, "minReadySeconds").value_or(0));
  if (auto v = int_at(spec, "revisionHistoryLimit")) d.revision_history_limit = static_cast<int32_t>(*v);
  if (auto v = int_at(spec, "progressDeadlineSeconds")) d.progress_deadline_seconds = static_cast<int32_t>(*v);
  if (const json::object* strategy = object_at(spec, "strategy")) {
    d.strategy_type = string_at(*strategy, "type");
    if (const json::object* rolling = object_at(*strategy, "rollingUpdate")) {
      if (const json::value* v = rolling->if_contains("maxSurge")) d.max_surge = *v;
      if (const json::value* v = rolling->if_contains("maxUnavailable")) d.max_unavailable = *v;
    }
  }
  if (d.strategy_type.empty()) d.strategy_type = "RollingUpdate";  // the API default
  if (const json::object* t = object_at(spec, "template")) d.pod_template = *t;
  if (const json::value* s = spec.if_contains("selector")) d.selector = *s;
  d.status = DeploymentStatus::from_json(object_at(d.object, "status"));
  return d;
}

}  // namespace kscratch::controllers::deployment
