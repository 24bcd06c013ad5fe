// Parses a v1.Pod once into PodInfo (upstream framework.NewPodInfo plus the PreFilter states
// of NodeResourcesFit, NodePorts and NodeAffinity, which read only the pod).

#include "kscratch/scheduler/pod_info.h"

#include <boost/json.hpp>

#include "json_access.h"

namespace kscratch::scheduler {

namespace {

// upstream getContainerPorts: ports of spec.containers with a hostPort, sanitized as HostPortInfo.
std::vector<HostPort> host_ports_of(const boost::json::object& spec) {
  std::vector<HostPort> out;
  const boost::json::array* containers = json_access::array_at(spec, "containers");
  if (containers == nullptr) return out;
  for (const auto& c : *containers) {
    if (!c.is_object()) continue;
    const boost::json::array* ports = json_access::array_at(c.get_object(), "ports");
    if (ports == nullptr) continue;
    for (const auto& p : *ports) {
      if (!p.is_object()) continue;
      const auto& port = p.get_object();
      int64_t host_port = json_access::int_at(port, "hostPort", 0);
      if (host_port <= 0) continue;
      std::string ip(json_access::string_at(port, "hostIP"));
      std::string protocol(json_access::string_at(port, "protocol"));
      out.push_back(HostPort{ip.empty() ? "0.0.0.0" : ip, protocol.empty() ? "TCP" : protocol,
                             static_cast<int32_t>(host_port)});
    }
  }
  return out;
}

// upstream SelectorSpread / PodTopologySpread's DefaultSelector spread the pods that the same
// Service, ReplicationController, ReplicaSet or StatefulSet selects; the controller owner stands
// for the selector (Services are not considered).
std::string spread_owner_of(const boost::json::object& metadata) {
  const boost::json::array* owners = json_access::array_at(metadata, "ownerReferences");
  if (owners == nullptr) return {};
  for (const auto& o : *owners) {
    if (!o.is_object() || !json_access::bool_at(o.get_object(), "controller")) continue;
    std::string_view kind = json_access::string_at(o.get_object(), "kind");
    if (kind == "ReplicaSet" || kind == "ReplicationController" || kind == "StatefulSet") {
      return std::string(json_access::string_at(o.get_object(), "uid"));
    }
  }
  return {};
}

void parse_node_affinity(const boost::json::object& spec, PodInfo& info) {
  const boost::json::object* affinity = json_access::object_at(spec, "affinity");
  const boost::json::object* node_affinity = affinity ? json_access::object_at(*affinity, "nodeAffinity") : nullptr;
  if (node_affinity == nullptr) return;
  if (const boost::json::value* required = node_affinity->if_contains("requiredDuringSchedulingIgnoredDuringExecution");
      required != nullptr && required->is_object()) {
    info.required_affinity = parse_node_selector(*required);
  }
  if (const boost::json::array* preferred =
          json_access::array_at(*node_affinity, "preferredDuringSchedulingIgnoredDuringExecution")) {
    for (const auto& p : *preferred) {
      if (!p.is_object()) continue;
      const boost::json::value* preference = p.get_object().if_contains("preference");
      PreferredSchedulingTerm term;
      term.weight = static_cast<int32_t>(json_access::int_at(p.get_object(), "weight", 0));
      if (preference != nullptr) term.term = parse_node_selector_term(*preference);
      info.preferred_affinity.push_back(std::move(term));
    }
  }
}

}  // namespace

std::string PodInfo::key() const { return uid.empty() ? namespace_name + "/" + name : uid; }

PodInfo parse_pod(const boost::json::object& pod) {
  PodInfo info;
  static const boost::json::object kEmpty;
  const boost::json::object* metadata = json_access::object_at(pod, "metadata");
  const boost::json::object& meta = metadata ? *metadata : kEmpty;
  const boost::json::object* spec_ptr = json_access::object_at(pod, "spec");
  const boost::json::object& spec = spec_ptr ? *spec_ptr : kEmpty;

  info.uid = json_access::string_at(meta, "uid");
  info.namespace_name = json_access::string_at(meta, "namespace");
  info.name = json_access::string_at(meta, "name");
  info.terminating = meta.if_contains("deletionTimestamp") != nullptr && !meta.at("deletionTimestamp").is_null();
  info.spread_owner_uid = spread_owner_of(meta);

  info.node_name = json_access::string_at(spec, "nodeName");
  info.requests = pod_requests(spec, /*non_zero=*/false);
  Resources non_zero = pod_requests(spec, /*non_zero=*/true);
  info.non_zero_milli_cpu = non_zero.milli_cpu;
  info.non_zero_memory = non_zero.memory;
  info.host_ports = host_ports_of(spec);
  if (const boost::json::object* selector = json_access::object_at(spec, "nodeSelector")) {
    for (const auto& [k, v] : *selector) {
      if (v.is_string()) info.node_selector.emplace(std::string(k), std::string(v.get_string()));
    }
  }
  parse_node_affinity(spec, info);
  info.tolerations = parse_tolerations(spec.if_contains("tolerations"));
  info.preemption_never = json_access::string_at(spec, "preemptionPolicy") == "Never";

  if (const boost::json::object* status = json_access::object_at(pod, "status")) {
    std::string_view phase = json_access::string_at(*status, "phase");
    info.terminal = phase == "Succeeded" || phase == "Failed";
  }
  return info;
}

std::shared_ptr<const PodInfo> make_pod_info(const boost::json::object& pod) {
  return std::make_shared<const PodInfo>(parse_pod(pod));
}

}  // namespace kscratch::scheduler
