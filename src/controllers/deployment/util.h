#pragma once
// Upstream's pkg/controller/deployment/util/deployment_util.go and the ReplicaSet helpers of
// pkg/controller/controller_utils.go the Deployment controller uses: template hashing,
// revisions, annotations, the maxSurge/maxUnavailable fenceposts, proportions, conditions.
// ReplicaSets are JSON objects shared by pointer, as upstream shares *apps.ReplicaSet:
// a "scaled" ReplicaSet is a new object, and only the lists upstream updates see it.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controllers/deployment/types.h"
#include "kscratch/util/expected.h"

namespace kscratch::controllers::deployment {

using RsPtr = std::shared_ptr<const json::object>;
using RsList = std::vector<RsPtr>;

// apps.DefaultDeploymentUniqueLabelKey.
inline constexpr std::string_view kPodTemplateHashLabel = "pod-template-hash";

inline constexpr std::string_view kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr std::string_view kRevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
inline constexpr std::string_view kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr std::string_view kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
// sync.go maxRevHistoryLengthInChars.
inline constexpr int kMaxRevisionHistoryLengthInChars = 2000;

// Condition types and reasons.
inline constexpr std::string_view kConditionAvailable = "Available";
inline constexpr std::string_view kConditionProgressing = "Progressing";
inline constexpr std::string_view kConditionReplicaFailure = "ReplicaFailure";
inline constexpr std::string_view kReplicaSetUpdatedReason = "ReplicaSetUpdated";
inline constexpr std::string_view kFailedRSCreateReason = "ReplicaSetCreateError";
inline constexpr std::string_view kNewReplicaSetReason = "NewReplicaSetCreated";
inline constexpr std::string_view kFoundNewRSReason = "FoundNewReplicaSet";
inline constexpr std::string_view kNewRSAvailableReason = "NewReplicaSetAvailable";
inline constexpr std::string_view kTimedOutReason = "ProgressDeadlineExceeded";
inline constexpr std::string_view kPausedDeployReason = "DeploymentPaused";
inline constexpr std::string_view kResumedDeployReason = "DeploymentResumed";
inline constexpr std::string_view kMinimumReplicasAvailable = "MinimumReplicasAvailable";
inline constexpr std::string_view kMinimumReplicasUnavailable = "MinimumReplicasUnavailable";

// --- Hashing (controller.ComputeHash) ---

// FNV-1a, 32 bits (hash/fnv New32a).
uint32_t fnv32a(std::string_view data, uint32_t hash = 2166136261u);
// rand.SafeEncodeString: each byte mapped into "bcdfghjklmnpqrstvwxz2456789" (no vowels,
// no look-alikes, so no words and no ambiguity).
std::string safe_encode_string(std::string_view s);
// FNV-32a of the canonical JSON of the template, then of collisionCount as 8 little-endian
// bytes when set, printed in decimal and safe-encoded: "7c5ddbdf54"-like.
std::string compute_hash(const json::object& pod_template, std::optional<int32_t> collision_count);

// --- maxSurge / maxUnavailable ---

// intstr.GetScaledValueFromIntOrPercent: an int as is, "N%" of total rounded up or down.
Expected<int> scaled_value_from_int_or_percent(const json::value& value, int total, bool round_up);
struct Fenceposts {
  int32_t surge = 0;
  int32_t unavailable = 0;
};
// ResolveFenceposts: surge rounds up, unavailable down; both zero means unavailable 1. A
// null value counts as 0.
Expected<Fenceposts> resolve_fenceposts(const json::value& max_surge, const json::value& max_unavailable,
                                        int32_t desired);
bool is_rolling_update(const Deployment& d);
int32_t max_surge(const Deployment& d);        // 0 unless RollingUpdate
int32_t max_unavailable(const Deployment& d);  // 0 unless RollingUpdate; at most replicas
bool has_progress_deadline(const Deployment& d);
bool has_revision_history_limit(const Deployment& d);

// --- ReplicaSet fields ---

int32_t rs_replicas(const json::object& rs);  // spec.replicas (default 1)
int32_t rs_status_replicas(const json::object& rs);
int32_t rs_ready_replicas(const json::object& rs);
int32_t rs_available_replicas(const json::object& rs);
int64_t rs_observed_generation(const json::object& rs);
int32_t rs_min_ready_seconds(const json::object& rs);
const json::object& rs_template(const json::object& rs);
// A copy of rs with spec.replicas set.
json::object with_replicas(const json::object& rs, int32_t replicas);

// Sums over lists that may hold nullptr (the missing new ReplicaSet), as upstream's.
int32_t replica_count(const RsList& rss);          // GetReplicaCountForReplicaSets (spec)
int32_t actual_replica_count(const RsList& rss);   // GetActualReplicaCountForReplicaSets
int32_t ready_replica_count(const RsList& rss);    // GetReadyReplicaCountForReplicaSets
int32_t available_replica_count(const RsList& rss);  // GetAvailableReplicaCountForReplicaSets
// FilterActiveReplicaSets: non-null with spec.replicas > 0.
RsList filter_active(const RsList& rss);

// Orderings (controller.ReplicaSetsByCreationTimestamp etc.), as strict less-thans.
bool created_before(const json::object& a, const json::object& b);  // oldest first, then name
bool larger_then_older(const json::object& a, const json::object& b);  // ReplicaSetsBySizeOlder
bool larger_then_newer(const json::object& a, const json::object& b);  // ReplicaSetsBySizeNewer
bool lower_revision(const json::object& a, const json::object& b);    // ReplicaSetsByRevision
void sort_by_creation(RsList& rss);
void sort_by_creation_newest_first(RsList& rss);

// --- New and old ReplicaSets ---

// EqualIgnoreHash: templates equal apart from the pod-template-hash label. Go's semantic
// equality takes nil and empty as equal; here null, [] and {} count as absent.
bool equal_ignore_hash(const json::object& template1, const json::object& template2);
// FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. Sorts
// rs_list by creation, as upstream does in place.
RsPtr find_new_replicaset(const Deployment& d, RsList& rs_list);
// FindOldReplicaSets (the second list): every ReplicaSet but the new one.
RsList find_old_replicasets(const Deployment& d, RsList& rs_list);

// --- Revisions and annotations ---

// Revision: the revision annotation as a number, 0 when absent, nullopt when unparsable.
std::optional<int64_t> revision_of(const json::object& rs);
int64_t max_revision(const RsList& rss);
// SetNewReplicaSetAnnotations: copies the Deployment's annotations (but last-applied and
// the deployment.kubernetes.io ones), raises the revision to new_revision (keeping the old
// one in revision-history when it had one), and for a ReplicaSet about to be created
// (!exists) sets desired-replicas and max-replicas. True when anything changed.
bool set_new_replicaset_annotations(const Deployment& d, json::object& rs, const std::string& new_revision,
                                    bool exists, int revision_history_limit_in_chars);
// SetDeploymentRevision: true when the Deployment's revision annotation changed.
bool set_deployment_revision(StringMap& deployment_annotations, const std::string& revision);
// SetReplicasAnnotations / ReplicasAnnotationsNeedUpdate.
bool set_replicas_annotations(json::object& rs, int32_t desired, int32_t max);
bool replicas_annotations_need_update(const json::object& rs, int32_t desired, int32_t max);
std::optional<int32_t> desired_replicas_annotation(const json::object& rs);
std::optional<int32_t> max_replicas_annotation(const json::object& rs);

// --- Rollout arithmetic ---

// NewRSNewReplicas: how big the new ReplicaSet may get now.
Expected<int32_t> new_rs_new_replicas(const Deployment& d, const RsList& all, const json::object& new_rs);
// IsSaturated: the new ReplicaSet has, wants and runs all the Deployment's replicas.
bool is_saturated(const Deployment& d, const RsPtr& rs);
// FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active;
// nullptr when several are. Sorts old newest first, in place, as upstream.
RsPtr find_active_or_latest(const RsPtr& new_rs, RsList& old);
// GetProportion: this ReplicaSet's share of replicas_to_add during proportional scaling.
int32_t get_proportion(const json::object* rs, const Deployment& d, int32_t replicas_to_add,
                       int32_t replicas_added);

// --- Status and conditions ---

DeploymentCondition new_condition(std::string_view type, std::string_view status, std::string_view reason,
                                  std::string message, TimePoint now);
const DeploymentCondition* get_condition(const DeploymentStatus& status, std::string_view type);
// SetDeploymentCondition: no-op when status and reason are unchanged; keeps the
// lastTransitionTime when only the reason changes.
void set_condition(DeploymentStatus& status, DeploymentCondition condition);
void remove_condition(DeploymentStatus& status, std::string_view type);
// DeploymentComplete: all replicas updated and available, none old, generation observed.
bool deployment_complete(const Deployment& d, const DeploymentStatus& new_status);
// DeploymentProgressing: more updated/ready/available pods, or fewer old ones, than d.status.
bool deployment_progressing(const Deployment& d, const DeploymentStatus& new_status);
// DeploymentTimedOut: the Progressing condition is older than progressDeadlineSeconds.
bool deployment_timed_out(const Deployment& d, const DeploymentStatus& new_status, TimePoint now);

}  // namespace kscratch::controllers::deployment
