#pragma once
// The Deployment fields the controller reads, parsed once from the JSON object, and its
// status in typed form so that "did the status change" is a plain comparison (upstream
// compares with reflect.DeepEqual).

#include <optional>
#include <string>
#include <vector>

#include "controllers/common/json_fields.h"

namespace kscratch::controllers::deployment {

// apps/v1 DeploymentCondition. Times stay in their RFC 3339 wire form.
struct DeploymentCondition {
  std::string type;
  std::string status;
  std::string last_update_time;
  std::string last_transition_time;
  std::string reason;
  std::string message;

  static DeploymentCondition from_json(const json::object& o);
  json::object to_json() const;
  bool operator==(const DeploymentCondition&) const = default;
};

struct DeploymentStatus {
  int64_t observed_generation = 0;
  int32_t replicas = 0;
  int32_t updated_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int32_t unavailable_replicas = 0;
  std::vector<DeploymentCondition> conditions;
  std::optional<int32_t> collision_count;

  static DeploymentStatus from_json(const json::object* status);
  // Go's wire form: zero counts and empty conditions omitted.
  json::object to_json() const;
  bool operator==(const DeploymentStatus&) const = default;
};

struct Deployment {
  json::object object;  // as given
  std::string name;
  std::string ns;
  std::string uid;
  int64_t generation = 0;
  bool deleting = false;
  StringMap annotations;

  int32_t replicas = 1;
  bool paused = false;
  std::string strategy_type;  // "RollingUpdate" or "Recreate"
  // spec.strategy.rollingUpdate.maxSurge / maxUnavailable (int or "25%"); null if absent.
  json::value max_surge;
  json::value max_unavailable;
  int32_t min_ready_seconds = 0;
  std::optional<int32_t> revision_history_limit;
  std::optional<int32_t> progress_deadline_seconds;
  json::object pod_template;  // spec.template
  json::value selector;       // spec.selector (metav1.LabelSelector), null if absent

  DeploymentStatus status;

  static Deployment parse(const json::object& object);
};

}  // namespace kscratch::controllers::deployment
