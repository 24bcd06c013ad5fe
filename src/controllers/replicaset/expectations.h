#pragma once
// ControllerExpectations (upstream pkg/controller/controller_utils.go), with the pod-key
// tracking of UIDTrackingControllerExpectations the ReplicaSet controller uses.
//
// After a sync asks for N pods to be created, the informer cache does not show them for a
// while; syncing again meanwhile would create N more. So each sync records what it expects
// to observe, and the next sync that changes pods waits until the watch has shown all of it
// (or the expectations are 5 minutes old: a watch event may have been lost).
//
// How the shell drives it, as upstream's event handlers do (key = "namespace/name" of the RS):
//   before sync:    satisfied(key, now) -> ReplicaSetPlanOptions::expectations_satisfied
//   before creates: expect_creations(key, plan.create_count, now)
//   before deletes: expect_deletions(key, keys of plan.delete_pods, now)
//   a create that failed or was skipped by slow start: creation_observed(key) for each
//   a delete that failed:                               deletion_observed(key, pod key)
//   pod added (not being deleted), controlled by the RS:          creation_observed(key)
//   pod updated to have a deletionTimestamp, or pod deleted:      deletion_observed(key, pod key)
//   RS deleted:                                                   delete_expectations(key)
// Not thread-safe: one io_context drives a controller.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kscratch::controllers::replicaset {

// ExpectationsTimeout: how long a sync waits for a lost watch event before giving up on it.
inline constexpr std::chrono::minutes kExpectationsTimeout{5};

class ControllerExpectations {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  struct Expectation {
    int64_t add = 0;
    int64_t del = 0;
    TimePoint timestamp;
    bool fulfilled() const { return add <= 0 && del <= 0; }
  };

  // SatisfiedExpectations: true when nothing is recorded, everything expected has been
  // observed, or the record is older than kExpectationsTimeout.
  bool satisfied(const std::string& key, TimePoint now) const;
  // SetExpectations / ExpectCreations: replaces the record (deletion keys are kept, as upstream).
  void set(const std::string& key, int64_t add, int64_t del, TimePoint now);
  void expect_creations(const std::string& key, int64_t adds, TimePoint now);
  // UIDTrackingControllerExpectations.ExpectDeletions: remembers which pods, so a pod seen
  // both as "deletionTimestamp set" and as "deleted" counts once.
  void expect_deletions(const std::string& key, const std::vector<std::string>& pod_keys, TimePoint now);
  void creation_observed(const std::string& key);
  // Lowers `del` only for a pod this key expects to see deleted.
  void deletion_observed(const std::string& key, const std::string& pod_key);
  void lower(const std::string& key, int64_t add, int64_t del);
  void raise(const std::string& key, int64_t add, int64_t del);
  void delete_expectations(const std::string& key);
  std::optional<Expectation> get(const std::string& key) const;

 private:
  std::map<std::string, Expectation> expectations_;
  std::map<std::string, std::set<std::string>> expected_deletions_;
};

}  // namespace kscratch::controllers::replicaset
