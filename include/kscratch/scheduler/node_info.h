#pragma once
// The scheduler's view of a node (upstream framework.NodeInfo): the Node's fields parsed once,
// and totals over the pods on it (bound and assumed), kept up to date by the Cache.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/fwd.hpp>

#include "kscratch/apimachinery/labels.h"
#include "kscratch/scheduler/pod_info.h"
#include "kscratch/scheduler/resources.h"
#include "kscratch/scheduler/taints.h"

namespace kscratch::scheduler {

inline constexpr const char* kLabelHostname = "kubernetes.io/hostname";
inline constexpr const char* kLabelTopologyZone = "topology.kubernetes.io/zone";

// The parts of a v1.Node the scheduler reads.
struct Node {
  enum class Ready { kTrue, kFalse, kUnknown, kAbsent };  // The Ready condition's status.

  std::string name;
  apimachinery::labels::LabelMap labels;
  std::vector<Taint> taints;
  bool unschedulable = false;  // spec.unschedulable (kubectl cordon)
  Ready ready = Ready::kAbsent;
  Resources allocatable;  // status.allocatable
};

Node parse_node(const boost::json::object& node);

// Lets unordered maps keyed by std::string be searched with a string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// A hostPort in use on a node, with how many pods use it.
struct UsedHostPort {
  HostPort port;
  int count = 0;
};

class NodeInfo {
 public:
  NodeInfo() = default;
  // A node-less entry: pods bound to a node the cache has not seen (or no longer sees).
  explicit NodeInfo(std::string name) { node_.name = std::move(name); }

  const Node& node() const { return node_; }
  bool has_node() const { return has_node_; }
  const std::string& name() const { return node_.name; }

  const Resources& requested() const { return requested_; }  // Sum of pod requests.
  int64_t non_zero_milli_cpu() const { return non_zero_milli_cpu_; }
  int64_t non_zero_memory() const { return non_zero_memory_; }
  int64_t pod_count() const { return pod_count_; }
  const std::vector<UsedHostPort>& used_ports() const { return used_ports_; }
  // Non-terminating pods on the node whose spread owner is owner_uid.
  int pods_with_owner(std::string_view owner_uid) const;

  // upstream HostPortInfo.CheckConflict: 0.0.0.0 clashes with every address of the same
  // protocol and port, a specific address with itself and 0.0.0.0.
  bool host_port_conflicts(const HostPort& wanted) const;

  // Maintained by the Cache.
  void set_node(Node node);
  void clear_node();
  void add_pod(const PodInfo& pod);
  void remove_pod(const PodInfo& pod);

 private:
  Node node_;
  bool has_node_ = false;
  Resources requested_;
  int64_t non_zero_milli_cpu_ = 0;
  int64_t non_zero_memory_ = 0;
  int64_t pod_count_ = 0;
  std::vector<UsedHostPort> used_ports_;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> pods_per_owner_;
};

}  // namespace kscratch::scheduler
