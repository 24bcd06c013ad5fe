// Node parsing and NodeInfo bookkeeping (upstream framework.NodeInfo AddPodInfo/RemovePod/SetNode).

#include "kscratch/scheduler/node_info.h"

#include <algorithm>

#include <boost/json.hpp>

#include "json_access.h"

namespace kscratch::scheduler {

Node parse_node(const boost::json::object& node) {
  Node out;
  static const boost::json::object kEmpty;
  const boost::json::object* metadata = json_access::object_at(node, "metadata");
  const boost::json::object& meta = metadata ? *metadata : kEmpty;
  out.name = json_access::string_at(meta, "name");
  if (const boost::json::object* labels = json_access::object_at(meta, "labels")) {
    for (const auto& [k, v] : *labels) {
      if (v.is_string()) out.labels.emplace(std::string(k), std::string(v.get_string()));
    }
  }
  if (const boost::json::object* spec = json_access::object_at(node, "spec")) {
    out.taints = parse_taints(spec->if_contains("taints"));
    out.unschedulable = json_access::bool_at(*spec, "unschedulable");
  }
  if (const boost::json::object* status = json_access::object_at(node, "status")) {
    out.allocatable = parse_resource_list(status->if_contains("allocatable"));
    if (const boost::json::array* conditions = json_access::array_at(*status, "conditions")) {
      for (const auto& c : *conditions) {
        if (!c.is_object() || json_access::string_at(c.get_object(), "type") != "Ready") continue;
        std::string_view s = json_access::string_at(c.get_object(), "status");
        out.ready = s == "True" ? Node::Ready::kTrue : s == "False" ? Node::Ready::kFalse : Node::Ready::kUnknown;
      }
    }
  }
  return out;
}

int NodeInfo::pods_with_owner(std::string_view owner_uid) const {
  if (owner_uid.empty() || pods_per_owner_.empty()) return 0;
  auto it = pods_per_owner_.find(owner_uid);
  return it == pods_per_owner_.end() ? 0 : it->second;
}

bool NodeInfo::host_port_conflicts(const HostPort& wanted) const {
  for (const UsedHostPort& used : used_ports_) {
    if (used.port.port != wanted.port || used.port.protocol != wanted.protocol) continue;
    if (wanted.ip == "0.0.0.0" || used.port.ip == "0.0.0.0" || used.port.ip == wanted.ip) return true;
  }
  return false;
}

void NodeInfo::set_node(Node node) {
  node_ = std::move(node);
  has_node_ = true;
}

void NodeInfo::clear_node() {
  std::string name = std::move(node_.name);
  node_ = Node{};
  node_.name = std::move(name);  // Kept: pods still on the node refer to it by name.
  has_node_ = false;
}

void NodeInfo::add_pod(const PodInfo& pod) {
  requested_.add(pod.requests);
  non_zero_milli_cpu_ += pod.non_zero_milli_cpu;
  non_zero_memory_ += pod.non_zero_memory;
  ++pod_count_;
  for (const HostPort& hp : pod.host_ports) {
    auto it = std::find_if(used_ports_.begin(), used_ports_.end(), [&](const UsedHostPort& u) { return u.port == hp; });
    if (it != used_ports_.end()) {
      ++it->count;
    } else {
      used_ports_.push_back(UsedHostPort{hp, 1});
    }
  }
  if (!pod.spread_owner_uid.empty() && !pod.terminating) ++pods_per_owner_[pod.spread_owner_uid];
}

void NodeInfo::remove_pod(const PodInfo& pod) {
  requested_.subtract(pod.requests);
  non_zero_milli_cpu_ -= pod.non_zero_milli_cpu;
  non_zero_memory_ -= pod.non_zero_memory;
  --pod_count_;
  for (const HostPort& hp : pod.host_ports) {
    auto it = std::find_if(used_ports_.begin(), used_ports_.end(), [&](const UsedHostPort& u) { return u.port == hp; });
    if (it != used_ports_.end() && --it->count == 0) used_ports_.erase(it);
  }
  if (!pod.spread_owner_uid.empty() && !pod.terminating) {
    auto it = pods_per_owner_.find(pod.spread_owner_uid);
    if (it != pods_per_owner_.end() && --it->second <= 0) pods_per_owner_.erase(it);
  }
}

}  // namespace kscratch::scheduler
