#pragma once
// PodInfo: what the scheduler needs of a pod, parsed once from its JSON (upstream framework.PodInfo
// plus the PreFilter states of the plugins that only read the pod: requests, ports, affinity).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "kscratch/apimachinery/labels.h"
#include "kscratch/scheduler/node_selector.h"
#include "kscratch/scheduler/resources.h"
#include "kscratch/scheduler/taints.h"

namespace kscratch::scheduler {

// A container port bound on the node (hostPort > 0). Empty hostIP and protocol are stored as
// upstream sanitizes them: "0.0.0.0" and "TCP".
struct HostPort {
  std::string ip;
  std::string protocol;
  int32_t port = 0;
  bool operator==(const HostPort&) const = default;
};

struct PodInfo {
  std::string uid;
  std::string namespace_name;
  std::string name;
  std::string node_name;  // spec.nodeName: set for bound pods (and pods that ask for one node).

  // upstream computePodResourceRequest, compared with the node's free allocatable.
  Resources requests;
  // The same with kDefault*Request for containers that omit cpu/memory (NonZeroRequested).
  int64_t non_zero_milli_cpu = 0;
  int64_t non_zero_memory = 0;

  std::vector<HostPort> host_ports;  // From spec.containers[].ports with a hostPort.
  apimachinery::labels::LabelMap node_selector;  // spec.nodeSelector
  std::optional<NodeSelector> required_affinity;  // requiredDuringSchedulingIgnoredDuringExecution
  std::vector<PreferredSchedulingTerm> preferred_affinity;
  std::vector<Toleration> tolerations;

  // The uid of the controller that owns the pod, for spreading: set only for the kinds upstream's
  // DefaultSelector spreads (ReplicaSet, ReplicationController, StatefulSet).
  std::string spread_owner_uid;
  bool terminating = false;        // metadata.deletionTimestamp set: not counted for spreading.
  bool terminal = false;           // status.phase Succeeded or Failed: holds no resources.
  bool preemption_never = false;   // spec.preemptionPolicy: Never.

  // The cache key: the uid, or namespace/name when the uid is empty (tests, hand-made objects).
  std::string key() const;
};

// Parses a v1.Pod. Never fails: malformed parts count as absent, as the apiserver validated them.
PodInfo parse_pod(const boost::json::object& pod);
std::shared_ptr<const PodInfo> make_pod_info(const boost::json::object& pod);

}  // namespace kscratch::scheduler
