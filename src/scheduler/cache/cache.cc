// The scheduler cache, after upstream pkg/scheduler/backend/cache/cache.go (AddPod, UpdatePod,
// RemovePod, AssumePod, FinishBinding, ForgetPod, cleanupAssumedPods, AddNode, RemoveNode).

#include "kscratch/scheduler/cache.h"

#include <boost/json.hpp>

namespace kscratch::scheduler {

Cache::Cache(Clock::duration assumed_pod_ttl) : ttl_(assumed_pod_ttl) {}

NodeInfo& Cache::node_info_for(const std::string& name) {
  auto& slot = nodes_[name];
  if (!slot) slot = std::make_unique<NodeInfo>(name);  // Node-less until the Node arrives.
  return *slot;
}

void Cache::list_node(NodeInfo* info) {
  if (node_list_index_.count(info) != 0) return;
  node_list_index_.emplace(info, node_list_.size());
  node_list_.push_back(info);
}

void Cache::unlist_node(NodeInfo* info) {
  auto it = node_list_index_.find(info);
  if (it == node_list_index_.end()) return;
  size_t index = it->second;
  node_list_index_.erase(it);
  const NodeInfo* last = node_list_.back();
  node_list_.pop_back();
  if (last != info) {
    node_list_[index] = last;
    node_list_index_[last] = index;
  }
}

void Cache::drop_if_empty(const std::string& name) {
  auto it = nodes_.find(name);
  if (it != nodes_.end() && !it->second->has_node() && it->second->pod_count() == 0) nodes_.erase(it);
}

void Cache::add_node(const boost::json::object& node) {
  Node parsed = parse_node(node);
  if (parsed.name.empty()) return;
  NodeInfo& info = node_info_for(parsed.name);
  info.set_node(std::move(parsed));
  list_node(&info);
}

// upstream RemoveNode keeps the NodeInfo while pods still point at the node: their removal
// events may come later, and the node may come back.
void Cache::remove_node(std::string_view name) {
  auto it = nodes_.find(std::string(name));
  if (it == nodes_.end()) return;
  unlist_node(it->second.get());
  it->second->clear_node();
  drop_if_empty(it->first);
}

void Cache::add_to_node(const PodState& state) { node_info_for(state.node_name).add_pod(*state.pod); }

void Cache::remove_from_node(const PodState& state) {
  auto it = nodes_.find(state.node_name);
  if (it == nodes_.end()) return;
  it->second->remove_pod(*state.pod);
  drop_if_empty(state.node_name);
}

void Cache::add_pod(const boost::json::object& pod) { add_pod(make_pod_info(pod)); }

// upstream AddPod and UpdatePod in one: a bound pod replaces whatever the cache held for it,
// including its assumption (confirmed, on the node it really went to).
void Cache::add_pod(std::shared_ptr<const PodInfo> pod) {
  std::string key = pod->key();
  if (pod->terminal) {
    remove_pod(key);
    return;
  }
  if (pod->node_name.empty()) return;  // Not bound (yet): an assumption, if any, stands.
  auto it = pods_.find(key);
  if (it != pods_.end()) {
    remove_from_node(it->second);
    pods_.erase(it);
  }
  PodState state;
  state.node_name = pod->node_name;
  state.pod = std::move(pod);
  add_to_node(state);
  pods_.emplace(std::move(key), std::move(state));
}

void Cache::remove_pod(const boost::json::object& pod) { remove_pod(parse_pod(pod).key()); }

void Cache::remove_pod(std::string_view pod_key) {
  auto it = pods_.find(std::string(pod_key));
  if (it == pods_.end()) return;
  remove_from_node(it->second);
  pods_.erase(it);
}

kscratch::Status Cache::assume_pod(std::shared_ptr<const PodInfo> pod, std::string node_name) {
  std::string key = pod->key();
  if (pods_.count(key) != 0) {
    return make_error("pod " + key + "(" + pod->namespace_name + "/" + pod->name +
                      ") is in the cache, so can't be assumed");
  }
  PodState state;
  state.pod = std::move(pod);
  state.node_name = std::move(node_name);
  state.assumed = true;
  add_to_node(state);
  pods_.emplace(std::move(key), std::move(state));
  return Ok{};
}

void Cache::finish_binding(std::string_view pod_key, Clock::time_point now) {
  auto it = pods_.find(std::string(pod_key));
  if (it == pods_.end() || !it->second.assumed) return;
  it->second.binding_finished = true;
  it->second.deadline = now + ttl_;
}

kscratch::Status Cache::forget_pod(std::string_view pod_key) {
  auto it = pods_.find(std::string(pod_key));
  if (it == pods_.end() || !it->second.assumed) {
    return make_error("pod " + std::string(pod_key) + " wasn't assumed so cannot be forgotten");
  }
  remove_from_node(it->second);
  pods_.erase(it);
  return Ok{};
}

size_t Cache::cleanup_expired(Clock::time_point now) {
  size_t expired = 0;
  for (auto it = pods_.begin(); it != pods_.end();) {
    const PodState& state = it->second;
    // Pods still binding never expire: the binding call decides (upstream: "Assumed pod whose
    // binding isn't finished is not expired").
    if (state.assumed && state.binding_finished && now > state.deadline) {
      remove_from_node(state);
      it = pods_.erase(it);
      ++expired;
    } else {
      ++it;
    }
  }
  return expired;
}

bool Cache::is_assumed(std::string_view pod_key) const {
  auto it = pods_.find(std::string(pod_key));
  return it != pods_.end() && it->second.assumed;
}

bool Cache::has_pod(std::string_view pod_key) const { return pods_.count(std::string(pod_key)) != 0; }

size_t Cache::assumed_count() const {
  size_t n = 0;
  for (const auto& [key, state] : pods_) n += state.assumed ? 1 : 0;
  return n;
}

const NodeInfo* Cache::node(std::string_view name) const {
  auto it = nodes_.find(std::string(name));
  return it == nodes_.end() || !it->second->has_node() ? nullptr : it->second.get();
}

}  // namespace kscratch::scheduler
