// Nodes: upstream's printNode, getNodeInternalIP/getNodeExternalIP and findNodeRoles.

#include <set>

#include "columns.h"
#include "json_access.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

namespace {

constexpr std::string_view kNodeRolePrefix = "node-role.kubernetes.io/";
constexpr std::string_view kNodeRoleLabel = "kubernetes.io/role";

constexpr std::string_view kAddressesDoc =
    "List of addresses reachable to the node. Queried from cloud provider, if available. More "
    "info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared "
    "as mergeable, but the merge key is not sufficiently unique, which can cause data corruption "
    "when it is merged. Callers should instead use a full-replacement patch. See "
    "https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change "
    "during the lifetime of a Node. However, there are some exceptions where this may not be "
    "possible, such as Pods that inherit a Node's address in its own status or consumers of the "
    "downward API (status.hostIP).";

// "Ready", "NotReady" or "Unknown" from the Ready condition (the last one listed wins, as in
// upstream's condition map), then ",SchedulingDisabled" for a cordoned node.
std::string node_status(const json::object& object) {
  std::optional<std::string> ready_status;
  if (const json::array* conditions = array_at(object_or_empty(object, "status"), "conditions")) {
    for (const json::value& v : *conditions) {
      const json::object& condition = object_or_empty(v.if_object());
      if (string_at(condition, "type") == "Ready") ready_status = string_at(condition, "status");
    }
  }
  std::string status = !ready_status ? "Unknown" : *ready_status == "True" ? "Ready" : "NotReady";
  if (bool_at(object_or_empty(object, "spec"), "unschedulable")) status += ",SchedulingDisabled";
  return status;
}

// Roles from node-role.kubernetes.io/<role> label keys and the kubernetes.io/role label value,
// sorted and deduplicated; "<none>" when there are none.
std::string node_roles(const json::object& object) {
  std::set<std::string> roles;
  const json::object* labels = object_path(object, {"metadata", "labels"});
  if (labels) {
    for (const auto& [key_view, value] : *labels) {
      std::string_view key(key_view.data(), key_view.size());
      if (key.starts_with(kNodeRolePrefix)) {
        if (key.size() > kNodeRolePrefix.size()) {
          roles.insert(std::string(key.substr(kNodeRolePrefix.size())));
        }
      } else if (key == kNodeRoleLabel && value.is_string() && !value.get_string().empty()) {
        roles.insert(std::string(value.get_string()));
      }
    }
  }
  std::string out;
  for (const std::string& role : roles) out += (out.empty() ? "" : ",") + role;
  return out.empty() ? "<none>" : out;
}

// The first address of the type, or "<none>".
std::string node_address(const json::object& status, std::string_view type) {
  if (const json::array* addresses = array_at(status, "addresses")) {
    for (const json::value& v : *addresses) {
      const json::object& address = object_or_empty(v.if_object());
      if (string_at(address, "type") == type) return string_at(address, "address");
    }
  }
  return "<none>";
}

std::string or_unknown(std::string value) { return value.empty() ? "<unknown>" : value; }

}  // namespace

std::vector<TableColumn> node_columns() {
  return {
      name_column(),
      column("Status", "The status of the node"),
      column("Roles", "The roles of the node"),
      age_column(),
      column("Version", "Kubelet Version reported by the node."),
      column("Internal-IP", kAddressesDoc, 1),
      column("External-IP", kAddressesDoc, 1),
      column("OS-Image",
             "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 "
             "(wheezy)).",
             1),
      column("Kernel-Version",
             "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      column("Container-Runtime",
             "ContainerRuntime Version reported by the node through runtime remote API (e.g. "
             "containerd://1.4.2).",
             1),
  };
}

json::array node_row(const json::object& object, Clock::time_point now) {
  const json::object& status = object_or_empty(object, "status");
  const json::object& info = object_or_empty(status, "nodeInfo");
  return json::array{
      object_name(object),
      node_status(object),
      node_roles(object),
      object_age(object, now),
      string_at(info, "kubeletVersion"),
      node_address(status, "InternalIP"),
      node_address(status, "ExternalIP"),
      or_unknown(string_at(info, "osImage")),
      or_unknown(string_at(info, "kernelVersion")),
      or_unknown(string_at(info, "containerRuntimeVersion")),
  };
}

}  // namespace kscratch::apiserver::tables
