#pragma once
// The ReplicaSet controller's sync (upstream pkg/controller/replicaset/replica_set.go,
// syncReplicaSet + claimPods + manageReplicas) as a pure function: objects in, plan out.
//
// How a shell carries out a ReplicaSetPlan, in this order (as syncReplicaSet does):
//  1. adopt, then release: PATCH each pod with `patch` (kStrategicMergePatchType). A
//     NotFound is fine; any other failure ends the sync (requeue with backoff) before
//     anything else is done. (Upstream first re-reads the RS uncached and skips adopting
//     if it is being deleted or was replaced: RecheckDeletionTimestamp.)
//  2. if create_count > 0: expectations.expect_creations(key, create_count, now); POST
//     `pod_template` to /api/v1/namespaces/<ns>/pods create_count times, batch by batch
//     (create_batches: one batch concurrently, stop after a batch with a failure); lower
//     the expectations once per creation that failed or was never attempted.
//     if delete_pods is not empty: expectations.expect_deletions(key, their keys, now);
//     DELETE each (concurrently); for each failure deletion_observed(key, pod key); a
//     NotFound is not an error.
//  3. status: if create/delete failed, recompute with status_after_error(); then if
//     `status` is set, PUT the RS to .../replicasets/<name>/status with it.
//  4. any error from 2 or 3 requeues with backoff; otherwise, if requeue_after is set,
//     requeue after that long (minReadySeconds: pods turn available without an event).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "controllers/common/owner_refs.h"
#include "controllers/replicaset/status.h"

namespace kscratch::controllers::replicaset {

struct PodRef {
  std::string name;
  std::string uid;
  std::string key;  // "namespace/name", the expectations' pod key
};

struct ReplicaSetPlanOptions {
  // ControllerExpectations::satisfied(key, now): when false the sync still claims pods and
  // writes status but creates and deletes nothing (the cache is behind our own writes).
  bool expectations_satisfied = true;
  // Pods that rank deletions (getIndirectlyRelatedPods): the pods of every ReplicaSet with
  // the same controller as this one, see related_pods(). Empty ranks all pods equally.
  std::vector<const json::object*> related_pods;
  int burst_replicas = 500;
};

struct ReplicaSetPlan {
  std::string key;  // "namespace/name" of the ReplicaSet
  // Set when the plan cannot be made (invalid selector); nothing else is set then and,
  // as upstream, the ReplicaSet is not requeued.
  std::optional<std::string> error;

  std::vector<ObjectPatch> adopt;
  std::vector<ObjectPatch> release;

  // manageReplicas: what to create or delete (both empty when expectations are pending,
  // the RS is being deleted, or the count is right).
  int create_count = 0;
  json::object pod_template;     // the Pod to POST create_count times
  std::vector<int> create_batches;  // slow_start_batches(create_count)
  std::vector<PodRef> delete_pods;  // in deletion order

  // The status to PUT, if it changed (assuming creates/deletes succeed).
  std::optional<ReplicaSetStatus> status;
  std::optional<std::chrono::seconds> requeue_after;

  // The pods the RS owns after claiming (active ones only), for status_after_error().
  std::vector<json::object> owned_pods;
};

// syncReplicaSet. `pods` are the pods of the ReplicaSet's namespace (at least those its
// selector matches and those it controls): inactive ones are ignored, orphans matching the
// selector adopted, owned ones no longer matching released.
ReplicaSetPlan plan_replicaset(const json::object& rs, const std::vector<json::object>& pods, TimePoint now,
                               const ReplicaSetPlanOptions& options = {});

// The status to write when the plan's creates or deletes failed with `error`
// (calculateStatus with manageReplicasErr): adds the ReplicaFailure condition.
std::optional<ReplicaSetStatus> status_after_error(const json::object& rs, const ReplicaSetPlan& plan,
                                                   TimePoint now, const std::string& error);

// GetPodFromTemplate + CreatePods: the Pod a ReplicaSet creates, with generateName
// "<rs>-", the template's labels, annotations, finalizers and spec, the RS's namespace and
// a controller ownerReference to it.
json::object pod_from_template(const json::object& rs);

// getIndirectlyRelatedPods: the pods matched by the selector of any ReplicaSet that has the
// same controller as rs (rs included), each once. Empty when rs has no controller.
std::vector<const json::object*> related_pods(const json::object& rs,
                                              const std::vector<json::object>& replicasets_in_namespace,
                                              const std::vector<json::object>& pods_in_namespace);

}  // namespace kscratch::controllers::replicaset
