#pragma once
// ReplicaSet status as upstream's calculateStatus and updateReplicaSetStatus compute it
// (pkg/controller/replicaset/replica_set_utils.go).

#include <optional>
#include <string>
#include <vector>

#include "controllers/common/json_fields.h"

namespace kscratch::controllers::replicaset {

struct ReplicaSetStatus {
  int32_t replicas = 0;
  int32_t fully_labeled_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int64_t observed_generation = 0;
  json::array conditions;  // ReplicaSetCondition objects: only ReplicaFailure is ever set

  static ReplicaSetStatus from_json(const json::object& rs);
  // The wire form Go writes: replicas always, the other counts and conditions omitted when zero.
  json::object to_json() const;
  bool operator==(const ReplicaSetStatus&) const = default;
};

// calculateStatus over the pods the ReplicaSet owns (active, claimed). manage_error is the
// error of the creates/deletes, if any: it sets the ReplicaFailure condition (reason
// FailedCreate or FailedDelete); no error removes it. observedGeneration is left as it was.
ReplicaSetStatus calculate_status(const json::object& rs, const std::vector<const json::object*>& pods,
                                  TimePoint now, const std::optional<std::string>& manage_error);

// updateReplicaSetStatus: the status to write (observedGeneration = metadata.generation),
// or nullopt when the stored one is already that.
std::optional<ReplicaSetStatus> status_update(const json::object& rs, ReplicaSetStatus status);

}  // namespace kscratch::controllers::replicaset
