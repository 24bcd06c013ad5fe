#pragma once
// Builders for Deployments, ReplicaSets and Pods, and a small in-memory cluster that applies
// the controllers' plans the way the shells and the API server would, so that whole
// rollouts can be simulated step by step.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "controllers/deployment/plan.h"
#include "controllers/replicaset/plan.h"

namespace fx {

namespace json = boost::json;
using kscratch::controllers::StringMap;
using kscratch::controllers::TimePoint;

TimePoint t0();  // 2026-01-01T00:00:00Z
std::string at(TimePoint t);

// A pod owned by `owner` (if given), Pending and unscheduled.
json::object pod(const std::string& name, const StringMap& labels, const json::object* owner = nullptr,
                 TimePoint created = t0());
// Scheduled on `node`, Running and Ready since `since`.
void make_ready(json::object& pod, TimePoint since, const std::string& node = "node-1");
void set_phase(json::object& pod, const std::string& phase);

json::object replicaset(const std::string& name, int replicas, const StringMap& selector,
                        const json::object* owner = nullptr, TimePoint created = t0());

json::object deployment(const std::string& name, int replicas, const std::string& image,
                        const std::string& max_surge = "25%", const std::string& max_unavailable = "25%");
void set_image(json::object& deployment, const std::string& image);
void set_replicas(json::object& deployment, int replicas);
void set_paused(json::object& deployment, bool paused);
void set_recreate(json::object& deployment);

// The cluster: the Deployment, its ReplicaSets and their pods, and a clock.
class Cluster {
 public:
  explicit Cluster(json::object deployment);

  json::object deployment;
  std::map<std::string, json::object> replicasets;  // by name
  std::map<std::string, json::object> pods;         // by name
  TimePoint now = t0();
  // Deleted pods linger with a deletionTimestamp until the next tick().
  bool graceful_deletion = false;
  // Images whose pods never turn ready (a crash-looping release).
  std::set<std::string> broken_images;
  // Called after every write, to check invariants mid-rollout.
  std::function<void(const Cluster&)> after_each_write;

  // One Deployment sync, its plan applied. Returns the plan.
  kscratch::controllers::deployment::DeploymentPlan sync_deployment();
  // One sync of every ReplicaSet, plans applied.
  void sync_replicasets();
  // Every pod not ready whose image works (now) gets scheduled and ready.
  void make_pods_ready();
  // Time passes: lingering deletions complete.
  void tick(std::chrono::seconds d = std::chrono::seconds(1));
  // sync_deployment + sync_replicasets + make_pods_ready + tick, until nothing changes
  // (or max_rounds). Returns the rounds taken.
  int run_until_stable(int max_rounds = 100);

  // Edits to the Deployment's spec, bumping metadata.generation as the API server does.
  void edit(const std::function<void(json::object&)>& change);

  int active_pods() const;     // not terminating, not finished
  int available_pods() const;  // ready (minReadySeconds 0)
  std::vector<json::object> replicaset_list() const;
  std::vector<json::object> pod_list() const;
  const json::object& replicaset_named_with_image(const std::string& image) const;
  std::vector<std::string> steps_log;  // "create foo-abc", "update foo-abc", ...

 private:
  std::string new_uid();
  void write_happened();
  int uid_counter_ = 0;
  int pod_counter_ = 0;
};

}  // namespace fx
