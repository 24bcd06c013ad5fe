#pragma once
// The Deployment controller's sync (upstream pkg/controller/deployment: syncDeployment,
// sync.go, rolling.go, recreate.go, progress.go) as a pure function: objects in, an ordered
// list of writes out.
//
// Like upstream, one sync takes one step of a rollout: it scales the new ReplicaSet up, or
// old ones down, and returns; the writes' watch events (and the ReplicaSet controller's
// status updates) trigger the next sync, which takes the next step. So a shell:
//  1. lists the Deployment's ReplicaSets (claim_replicasets: adopt/release first, as
//     getReplicaSetsForDeployment; a failed patch other than NotFound ends the sync) and
//     groups its pods by ReplicaSet (group_pods_by_replicaset);
//  2. calls plan_deployment and applies plan.steps in order, stopping at the first failure
//     (then requeue with backoff; see on_create_already_exists / on_create_failed for
//     kCreateReplicaSet failures);
//  3. posts plan.events if it records events;
//  4. requeues: with backoff if plan.error is set; after plan.requeue_after if set (a
//     progress-deadline check; zero means now, rate limited).
// Writes to one object are coalesced into one step (upstream may write the same object
// twice in a sync, the second write then conflicting and requeueing); the Deployment's own
// write, if any, is the last step.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controllers/common/owner_refs.h"
#include "controllers/deployment/types.h"

namespace kscratch::controllers::deployment {

enum class StepKind {
  // POST `object` to /apis/apps/v1/namespaces/<ns>/replicasets.
  kCreateReplicaSet,
  // PUT `object` (a whole ReplicaSet: spec.replicas, annotations, minReadySeconds) to
  // .../replicasets/<name>; it carries the resourceVersion it was read with.
  kUpdateReplicaSet,
  // DELETE .../replicasets/<name> (precondition uid = `uid`); NotFound is success.
  kDeleteReplicaSet,
  // PUT `object` (the Deployment with new metadata.annotations and status) to
  // .../deployments/<name>/status: upstream writes the revision annotation through the
  // status subresource too.
  kUpdateDeploymentStatus,
};

struct Step {
  StepKind kind;
  std::string name;  // the ReplicaSet's (or the Deployment's) name
  std::string uid;   // for deletes
  json::object object;
};

struct Event {
  std::string type;  // "Normal" or "Warning"
  std::string reason;
  std::string message;
};

struct DeploymentPlan {
  std::vector<Step> steps;
  std::vector<Event> events;
  // The sync failed after the steps before it (upstream returns the error: requeue).
  std::optional<std::string> error;
  std::optional<std::chrono::milliseconds> requeue_after;
};

// Pods of the Deployment's ReplicaSets keyed by ReplicaSet uid (getPodMapForDeployment);
// only Recreate reads it, to wait for old pods to be gone.
using PodsByReplicaSet = std::map<std::string, std::vector<json::object>>;

// syncDeployment. `replicasets` are the ReplicaSets the Deployment controls (after claiming).
DeploymentPlan plan_deployment(const json::object& deployment, const std::vector<json::object>& replicasets,
                               const PodsByReplicaSet& pods, TimePoint now);

// getReplicaSetsForDeployment's claim (ClaimReplicaSets): which of the namespace's
// ReplicaSets the Deployment owns once the adopt/release patches are applied.
struct ReplicaSetClaim {
  std::vector<json::object> owned;
  std::vector<ObjectPatch> adopt;
  std::vector<ObjectPatch> release;
  std::optional<std::string> error;  // invalid selector
};
ReplicaSetClaim claim_replicasets(const json::object& deployment,
                                  const std::vector<json::object>& replicasets_in_namespace);

// getPodMapForDeployment: the pods matching the Deployment's selector, grouped by the uid
// of the ReplicaSet (among `replicasets`) that controls them; every ReplicaSet has an entry.
PodsByReplicaSet group_pods_by_replicaset(const json::object& deployment,
                                          const std::vector<json::object>& replicasets,
                                          const std::vector<json::object>& pods_in_namespace);

// A kCreateReplicaSet step failed with AlreadyExists and `existing` is the ReplicaSet of
// that name. If the Deployment owns it with the same template, nothing is needed (the next
// sync finds it); otherwise it is a hash collision: PUT the returned Deployment to /status
// (collisionCount + 1, so the next name differs), then requeue.
std::optional<json::object> on_create_already_exists(const json::object& deployment, const json::object& existing);

// A kCreateReplicaSet step failed otherwise: with a progress deadline, upstream records
// Progressing=False/ReplicaSetCreateError "Failed to create new replica set %q: <error>";
// PUT the returned Deployment to /status (best effort), post the Warning event, requeue.
struct CreateFailure {
  std::optional<json::object> deployment_status_update;
  Event event;
};
CreateFailure on_create_failed(const json::object& deployment, const std::string& replicaset_name,
                               const std::string& error, TimePoint now);

}  // namespace kscratch::controllers::deployment
