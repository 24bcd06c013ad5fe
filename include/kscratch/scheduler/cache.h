#pragma once
// The scheduler cache (upstream pkg/scheduler/backend/cache): NodeInfos by node name, fed by the
// node and pod informers, plus the pods the scheduler has assumed onto nodes while their binding
// is in flight, so a burst of pods does not over-commit a node.
//
// Lifecycle of an assumed pod (upstream cache.go):
//   assume_pod -> counted on the node at once
//   finish_binding(now) -> the bind call returned; expires at now + ttl unless confirmed
//   add_pod (the informer saw it bound) -> confirmed; replaces the assumption, no double count
//   forget_pod -> binding failed; uncounted
// Not thread-safe: one thread drives both the informer events and the scheduling cycles, and
// algorithm.h reads the NodeInfos in place (no snapshot copy).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/fwd.hpp>

#include "kscratch/scheduler/framework.h"
#include "kscratch/util/expected.h"

namespace kscratch::scheduler {

class Cache {
 public:
  using Clock = std::chrono::steady_clock;

  // upstream durationToExpireAssumedPod: 30s after the binding finished.
  explicit Cache(Clock::duration assumed_pod_ttl = std::chrono::seconds(30));

  // Node informer events. add and update are the same operation: the node is parsed again.
  void add_node(const boost::json::object& node);
  void update_node(const boost::json::object& node) { add_node(node); }
  void remove_node(std::string_view name);

  // Pod informer events. Only pods with spec.nodeName count; a pod that became terminal
  // (Succeeded/Failed) is removed, as upstream's informer filters those out.
  void add_pod(const boost::json::object& pod);
  void update_pod(const boost::json::object& pod) { add_pod(pod); }
  void remove_pod(const boost::json::object& pod);
  // The same with a parsed pod; pod->node_name says where it runs.
  void add_pod(std::shared_ptr<const PodInfo> pod);
  void remove_pod(std::string_view pod_key);

  // Counts the pod on node_name now. An error if the pod is already in the cache.
  kscratch::Status assume_pod(std::shared_ptr<const PodInfo> pod, std::string node_name);
  // The bind call returned: start the expiry clock of the assumed pod.
  void finish_binding(std::string_view pod_key, Clock::time_point now);
  // Binding failed: drop the assumed pod. An error if it is not assumed.
  kscratch::Status forget_pod(std::string_view pod_key);
  // Drops assumed pods whose binding finished more than the ttl before now (upstream
  // cleanupAssumedPods, run every second); returns how many expired.
  size_t cleanup_expired(Clock::time_point now);

  bool is_assumed(std::string_view pod_key) const;
  bool has_pod(std::string_view pod_key) const;
  size_t pod_count() const { return pods_.size(); }
  size_t assumed_count() const;

  const NodeInfo* node(std::string_view name) const;
  // Every node that has a Node object, in a stable order (removals swap the last one in).
  NodeList nodes() const { return NodeList(node_list_.data(), node_list_.size()); }

 private:
  struct PodState {
    std::shared_ptr<const PodInfo> pod;
    std::string node_name;
    bool assumed = false;
    bool binding_finished = false;
    Clock::time_point deadline{};
  };

  NodeInfo& node_info_for(const std::string& name);  // Creates a node-less entry if needed.
  void add_to_node(const PodState& state);
  void remove_from_node(const PodState& state);
  void drop_if_empty(const std::string& name);
  void list_node(NodeInfo* info);
  void unlist_node(NodeInfo* info);

  Clock::duration ttl_;
  std::unordered_map<std::string, std::unique_ptr<NodeInfo>> nodes_;
  std::vector<const NodeInfo*> node_list_;
  std::unordered_map<const NodeInfo*, size_t> node_list_index_;
  std::unordered_map<std::string, PodState> pods_;
};

}  // namespace kscratch::scheduler
