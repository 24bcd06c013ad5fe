#include "desired.h"

#include "controllers/common/pods.h"
#include "kscratch/apimachinery/labels.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>

namespace kscratch::controllers::endpoints {

namespace {

std::string protocol_of(const json::object& port) {
  auto p = string_at(port, "protocol");
  return p.empty() ? "TCP" : p;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

const json::array& service_ports(const json::object& service) {
  static const json::array kNone;
  auto* spec = object_at(service, "spec");
  auto* ports = spec ? array_at(*spec, "ports") : nullptr;
  return ports ? *ports : kNone;
}

bool publish_not_ready(const json::object& service) {
  auto* spec = object_at(service, "spec");
  return spec && bool_at(*spec, "publishNotReadyAddresses");
}

std::string pod_ip(const json::object& pod) {
  auto* status = object_at(pod, "status");
  return status ? string_at(*status, "podIP") : std::string();
}

json::object target_ref(const json::object& pod) {
  return json::object{{"kind", "Pod"}, {"namespace", namespace_of(pod)}, {"name", name_of(pod)}, {"uid", uid_of(pod)}};
}

// The pod's resolved ports for every service port, or nullopt when one cannot be
// resolved (upstream skips the pod for that port; a pod missing a named port is rare
// enough that leaving it out of the port group is the same in practice).
json::array resolved_ports(const json::object& service, const json::object& pod, bool slice_form) {
  json::array out;
  for (auto& p : service_ports(service)) {
    if (!p.is_object()) continue;
    auto& sp = p.get_object();
    auto port = resolve_target_port(sp, pod);
    if (!port) continue;
    json::object ep{{"port", *port}, {"protocol", protocol_of(sp)}};
    auto name = string_at(sp, "name");
    if (!name.empty() || slice_form) ep["name"] = name;
    if (auto app = string_at(sp, "appProtocol"); !app.empty()) ep["appProtocol"] = app;
    out.push_back(std::move(ep));
  }
  return out;
}

// The pod's hostname in DNS when the Service is its subdomain (headless pods by name).
std::string dns_hostname(const json::object& service, const json::object& pod) {
  auto* spec = object_at(pod, "spec");
  if (!spec) return {};
  auto host = string_at(*spec, "hostname");
  if (!host.empty() && string_at(*spec, "subdomain") == name_of(service)) return host;
  return {};
}

bool finished(const json::object& pod) {
  auto phase = pod_phase(pod);
  return phase == "Succeeded" || phase == "Failed";
}

}  // namespace

std::optional<int64_t> resolve_target_port(const json::object& service_port, const json::object& pod) {
  auto* target = service_port.if_contains("targetPort");
  if (!target || (target->is_string() && target->get_string().empty())) return int_at(service_port, "port");
  if (target->is_int64()) return target->get_int64();
  if (target->is_uint64()) return static_cast<int64_t>(target->get_uint64());
  if (!target->is_string()) return std::nullopt;
  std::string_view name = target->get_string();
  auto protocol = protocol_of(service_port);
  auto* spec = object_at(pod, "spec");
  auto* containers = spec ? array_at(*spec, "containers") : nullptr;
  if (!containers) return std::nullopt;
  for (auto& c : *containers) {
    if (!c.is_object()) continue;
    auto* ports = array_at(c.get_object(), "ports");
    if (!ports) continue;
    for (auto& p : *ports) {
      if (!p.is_object()) continue;
      auto& cp = p.get_object();
      if (string_at(cp, "name") == name && protocol_of(cp) == protocol) return int_at(cp, "containerPort");
    }
  }
  return std::nullopt;
}

bool has_selector(const json::object& service) {
  auto* spec = object_at(service, "spec");
  auto* selector = spec ? object_at(*spec, "selector") : nullptr;
  return selector && !selector->empty();
}

bool selects(const json::object& service, const json::object& pod) {
  if (!has_selector(service) || namespace_of(service) != namespace_of(pod)) return false;
  auto selector = string_map(object_at(*object_at(service, "spec"), "selector"));
  auto labels = labels_of(pod);
  for (auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

json::array endpoints_subsets(const json::object& service, const std::vector<const json::object*>& pods) {
  // Port set (serialized) -> ready and not-ready addresses, ordered by IP as upstream's
  // RepackSubsets/SortSubsets leave them.
  struct Group {
    json::array ports;
    std::map<std::string, json::object> ready, not_ready;
  };
  std::map<std::string, Group> groups;
  bool publish_all = publish_not_ready(service);
  for (auto* pod : pods) {
    auto ip = pod_ip(*pod);
    if (ip.empty() || finished(*pod)) continue;
    if (is_being_deleted(*pod) && !publish_all) continue;
    json::object address{{"ip", ip}, {"targetRef", target_ref(*pod)}};
    if (auto node = pod_node_name(*pod); !node.empty()) address["nodeName"] = node;
    if (auto host = dns_hostname(service, *pod); !host.empty()) address["hostname"] = host;
    auto ports = resolved_ports(service, *pod, false);
    if (ports.empty() && !service_ports(service).empty()) continue;
    auto& g = groups[json::serialize(ports)];
    g.ports = ports;
    (publish_all || is_pod_ready(*pod) ? g.ready : g.not_ready)[ip] = std::move(address);
  }
  json::array subsets;
  for (auto& [key, g] : groups) {
    json::object subset;
    if (!g.ready.empty()) {
      json::array a;
      for (auto& [ip, addr] : g.ready) a.push_back(addr);
      subset["addresses"] = std::move(a);
    }
    if (!g.not_ready.empty()) {
      json::array a;
      for (auto& [ip, addr] : g.not_ready) a.push_back(addr);
      subset["notReadyAddresses"] = std::move(a);
    }
    if (!g.ports.empty()) subset["ports"] = g.ports;
    subsets.push_back(std::move(subset));
  }
  return subsets;
}

std::vector<SliceContent> slice_contents(const json::object& service, const std::vector<const json::object*>& pods,
                                         std::size_t max_per_slice) {
  struct Group {
    json::array ports;
    std::map<std::string, json::object> endpoints;  // by pod name, for a stable order
  };
  std::map<std::string, Group> groups;
  bool publish_all = publish_not_ready(service);
  for (auto* pod : pods) {
    auto ip = pod_ip(*pod);
    if (ip.empty() || finished(*pod)) continue;
    bool terminating = is_being_deleted(*pod);
    bool ready = is_pod_ready(*pod);
    json::object conditions{{"ready", publish_all || (ready && !terminating)},
                            {"serving", ready},
                            {"terminating", terminating}};
    json::object ep{{"addresses", json::array{json::value(ip)}}, {"conditions", std::move(conditions)},
                    {"targetRef", target_ref(*pod)}};
    if (auto node = pod_node_name(*pod); !node.empty()) ep["nodeName"] = node;
    if (auto host = dns_hostname(service, *pod); !host.empty()) ep["hostname"] = host;
    auto ports = resolved_ports(service, *pod, true);
    if (ports.empty() && !service_ports(service).empty()) continue;
    auto& g = groups[json::serialize(ports)];
    g.ports = ports;
    g.endpoints[name_of(*pod)] = std::move(ep);
  }
  std::vector<SliceContent> out;
  for (auto& [key, g] : groups) {
    SliceContent current{g.ports, {}};
    for (auto& [name, ep] : g.endpoints) {
      if (current.endpoints.size() == max_per_slice) {
        out.push_back(std::move(current));
        current = SliceContent{g.ports, {}};
      }
      current.endpoints.push_back(std::move(ep));
    }
    out.push_back(std::move(current));
  }
  // A Service with no endpoints still gets one (empty) slice, as upstream's placeholder.
  if (out.empty()) out.push_back(SliceContent{});
  return out;
}

}  // namespace kscratch::controllers::endpoints
