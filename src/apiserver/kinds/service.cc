// Services: SetDefaults_Service, ValidateService / ValidateServiceUpdate (with the registry's
// keeping of allocated cluster IPs and node ports when an update omits them) and
// ValidateServiceStatusUpdate.

#include <map>
#include <set>

#include "go_format.h"
#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "pod_spec.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kServiceMeta{true, NameRule::kDNS1035Label, true};
constexpr int64_t kMaxClientIPAffinitySeconds = 86400;

const json::object& spec_of(const json::object& obj) {
  static const json::object kEmpty;
  const json::object* spec = find_object(obj, "spec");
  return spec != nullptr ? *spec : kEmpty;
}

std::vector<std::string> strings_at(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::array* a = find_array(o, key)) {
    for (const json::value& v : *a) out.push_back(v.is_string() ? std::string(v.get_string()) : "");
  }
  return out;
}

json::value string_array(const std::vector<std::string>& values) {
  json::array a;
  for (const std::string& s : values) a.emplace_back(s);
  return a;
}

// The cluster IPs the strategy and registry would have left on the object: clusterIPs, else
// [clusterIP] (normalizeClusterIPs), else on update the stored ones (patchAllocatedValues).
std::vector<std::string> cluster_ips(const json::object& spec, const json::object* old_spec) {
  std::vector<std::string> ips = strings_at(spec, "clusterIPs");
  std::string ip = string_or(spec, "clusterIP");
  if (ips.empty() && !ip.empty()) ips.push_back(ip);
  if (ips.empty() && old_spec != nullptr && string_or(spec, "type", "ClusterIP") != "ExternalName" &&
      string_or(*old_spec, "type", "ClusterIP") != "ExternalName") {
    ips = cluster_ips(*old_spec, nullptr);
  }
  return ips;
}

// The clusterIP the registry would keep: the request's, else on update the stored one.
std::string cluster_ip(const json::object& spec, const json::object* old_spec) {
  std::string ip = string_or(spec, "clusterIP");
  if (ip.empty() && old_spec != nullptr && string_or(spec, "type", "ClusterIP") != "ExternalName" &&
      string_or(*old_spec, "type", "ClusterIP") != "ExternalName") {
    ip = string_or(*old_spec, "clusterIP");
  }
  return ip;
}

bool headless(const std::vector<std::string>& ips) { return ips.size() == 1 && ips[0] == "None"; }
bool is_ipv6(std::string_view ip) { return ip.find(':') != std::string_view::npos; }

bool externally_accessible(const std::string& type, const json::object& spec) {
  const json::array* external = find_array(spec, "externalIPs");
  return type == "LoadBalancer" || type == "NodePort" || (type == "ClusterIP" && external != nullptr && !external->empty());
}

std::string go_service_port_key(const std::string& protocol, int64_t port) {
  return "core.ServicePort{Name:\"\", Protocol:" + go_quote(protocol) +
         ", AppProtocol:(*string)(nil), Port:" + std::to_string(port) +
         ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}";
}

void validate_port_num_or_name(Reader& r, const json::value* port, const FieldPath& path) {
  if (port == nullptr || port->is_null()) {
    add_invalid(r.errors(), path, 0, v::is_valid_port_num(0));
  } else if (port->is_string()) {
    add_invalid(r.errors(), path, *port, v::is_valid_port_name(port->get_string()));
  } else if (std::optional<int64_t> n = as_integer(*port)) {
    add_invalid(r.errors(), path, *n, v::is_valid_port_num(*n));
  } else {
    r.add(type_invalid(path, *port, "integer or string"));
  }
}

void validate_ports(Reader& r, const json::array& ports, const std::string& type, const FieldPath& path) {
  std::set<std::string> names;
  std::set<std::pair<std::string, int64_t>> node_ports;
  std::set<std::pair<std::string, int64_t>> port_keys;
  for (size_t i = 0; i < ports.size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* port = r.element_object(ports[i], ip);
    if (port == nullptr) continue;
    std::string name = r.string(*port, "name", ip.child("name")).value_or("");
    if (ports.size() > 1 && name.empty()) {
      r.add(required(ip.child("name")));
    } else if (!name.empty()) {
      validate_dns1123_label(r.errors(), name, ip.child("name"));
      if (names.count(name)) {
        r.add(duplicate(ip.child("name"), name));
      } else {
        names.insert(name);
      }
    }
    int64_t number = r.integer(*port, "port", ip.child("port")).value_or(0);
    add_invalid(r.errors(), ip.child("port"), number, v::is_valid_port_num(number));
    std::string protocol = r.string(*port, "protocol", ip.child("protocol")).value_or("");
    if (protocol.empty()) {
      r.add(required(ip.child("protocol")));
    } else if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
      r.add(not_supported(ip.child("protocol"), protocol, {"SCTP", "TCP", "UDP"}));
    }
    validate_port_num_or_name(r, port->if_contains("targetPort"), ip.child("targetPort"));
    if (std::optional<std::string> app = r.string(*port, "appProtocol", ip.child("appProtocol"))) {
      validate_qualified_name(r.errors(), *app, ip.child("appProtocol"));
    }
    // Node port ranges are the allocator's; validation only rejects impossible ports.
    int64_t node_port = r.integer(*port, "nodePort", ip.child("nodePort")).value_or(0);
    if (node_port != 0) add_invalid(r.errors(), ip.child("nodePort"), node_port, v::is_valid_port_num(node_port));
    if (type == "ClusterIP" && node_port != 0) {
      r.add(forbidden(ip.child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    }
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    if (!ports[i].is_object()) continue;
    const json::object& port = ports[i].get_object();
    int64_t node_port = find_int(port, "nodePort").value_or(0);
    if (node_port == 0) continue;
    if (!node_ports.insert({string_or(port, "protocol"), node_port}).second) {
      r.add(duplicate(path.index(i).child("nodePort"), node_port));
    }
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    if (!ports[i].is_object()) continue;
    const json::object& port = ports[i].get_object();
    std::string protocol = string_or(port, "protocol");
    int64_t number = find_int(port, "port").value_or(0);
    if (!port_keys.insert({protocol, number}).second) {
      r.add(duplicate(path.index(i), go_value(go_service_port_key(protocol, number))));
    }
  }
}

void validate_session_affinity(Reader& r, const json::object& spec, const FieldPath& path) {
  std::string affinity = r.string(spec, "sessionAffinity", path.child("sessionAffinity")).value_or("");
  FieldPath cp = path.child("sessionAffinityConfig");
  const json::object* config = r.object(spec, "sessionAffinityConfig", cp);
  if (affinity.empty()) {
    r.add(required(path.child("sessionAffinity")));
  } else if (affinity != "ClientIP" && affinity != "None") {
    r.add(not_supported(path.child("sessionAffinity"), affinity, {"ClientIP", "None"}));
  }
  if (affinity == "ClientIP") {
    const std::string when = "when session affinity type is ClientIP";
    const json::object* client = config != nullptr ? find_object(*config, "clientIP") : nullptr;
    if (config == nullptr) {
      r.add(required(cp, when));
    } else if (client == nullptr) {
      r.add(required(cp.child("clientIP"), when));
    } else if (std::optional<int64_t> timeout = find_int(*client, "timeoutSeconds")) {
      if (*timeout <= 0 || *timeout > kMaxClientIPAffinitySeconds) {
        r.add(invalid(cp.child("clientIP").child("timeoutSeconds"), *timeout,
                      "must be greater than 0 and less than " + std::to_string(kMaxClientIPAffinitySeconds)));
      }
    } else {
      r.add(required(cp.child("clientIP").child("timeoutSeconds"), when));
    }
  } else if (affinity == "None" && config != nullptr) {
    r.add(forbidden(cp, "must not be set when session affinity is None"));
  }
}

// ValidateServiceClusterIPsRelatedFields.
void validate_cluster_ips(Reader& r, const json::object& spec, const std::string& ip,
                          const std::vector<std::string>& ips, const FieldPath& path) {
  FieldPath ips_path = path.child("clusterIPs");
  if (!ip.empty()) {
    if (ips.empty()) {
      r.add(required(ips_path));
    } else if (ips[0] != ip) {
      r.add(invalid(ips_path, string_array(ips), "first value must match `clusterIP`"));
    }
  } else if (!ips.empty()) {
    r.add(invalid(ips_path, string_array(ips), "must be empty when `clusterIP` is not specified"));
  }
  std::vector<std::string> families =
      r.string_list(spec, "ipFamilies", path.child("ipFamilies")).value_or(std::vector<std::string>{});
  std::set<std::string> seen;
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i] != "IPv4" && families[i] != "IPv6") {
      r.add(not_supported(path.child("ipFamilies").index(i), families[i], {"IPv4", "IPv6"}));
    }
    if (seen.count(families[i])) r.add(duplicate(path.child("ipFamilies").index(i), families[i]));
    seen.insert(families[i]);
  }
  if (std::optional<std::string> policy = r.string(spec, "ipFamilyPolicy", path.child("ipFamilyPolicy"))) {
    if (*policy != "SingleStack" && *policy != "PreferDualStack" && *policy != "RequireDualStack") {
      r.add(not_supported(path.child("ipFamilyPolicy"), *policy, {"PreferDualStack", "RequireDualStack", "SingleStack"}));
    }
  }
  bool bad_ips = false;
  for (size_t i = 0; i < ips.size(); ++i) {
    if (i == 0 && ips[i] == "None") {
      if (ips.size() > 1) {
        bad_ips = true;
        r.add(invalid(ips_path, string_array(ips), "'None' must be the first and only value"));
      }
      continue;
    }
    if (!is_ip(ips[i])) {
      bad_ips = true;
      validate_ip(r.errors(), ips[i], ips_path.index(i));
    }
  }
  if (ips.size() > 2) r.add(invalid(ips_path, string_array(ips), "may only hold up to 2 values"));
  if (bad_ips) return;
  if (ips.size() > 1 && is_ipv6(ips[0]) == is_ipv6(ips[1])) {
    r.add(invalid(ips_path, string_array(ips), "may specify no more than one IP for each IP family"));
  }
  if (!headless(ips)) {
    for (size_t i = 0; i < ips.size() && i < families.size(); ++i) {
      if (families[i] == "IPv4" && is_ipv6(ips[i])) {
        r.add(invalid(ips_path.index(i), ips[i],
                      "expected an IPv4 value as indicated by `ipFamilies[" + std::to_string(i) + "]`"));
      }
      if (families[i] == "IPv6" && !is_ipv6(ips[i])) {
        r.add(invalid(ips_path.index(i), ips[i],
                      "expected an IPv6 value as indicated by `ipFamilies[" + std::to_string(i) + "]`"));
      }
    }
  }
}

// ValidateNonSpecialIP for external IPs.
void validate_non_special_ip(FieldErrors& errs, const std::string& ip, const FieldPath& path) {
  bool v6 = is_ipv6(ip);
  if (ip == "0.0.0.0" || ip == "::") errs.push_back(invalid(path, ip, "may not be unspecified (" + ip + ")"));
  if ((!v6 && ip.rfind("127.", 0) == 0) || ip == "::1") {
    errs.push_back(invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  }
  if ((!v6 && ip.rfind("169.254.", 0) == 0) || (v6 && (ip.rfind("fe8", 0) == 0 || ip.rfind("fe9", 0) == 0 ||
                                                        ip.rfind("fea", 0) == 0 || ip.rfind("feb", 0) == 0))) {
    errs.push_back(invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  }
  if ((!v6 && ip.rfind("224.0.0.", 0) == 0) || (v6 && ip.rfind("ff02:", 0) == 0)) {
    errs.push_back(invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  }
}

bool is_cidr(const std::string& s) {
  size_t slash = s.find('/');
  if (slash == std::string::npos || slash + 1 >= s.size()) return false;
  std::string ip = s.substr(0, slash);
  if (!is_ip(ip)) return false;
  int max = is_ipv6(ip) ? 128 : 32;
  int bits = 0;
  for (size_t i = slash + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    bits = bits * 10 + (s[i] - '0');
    if (bits > max) return false;
  }
  return true;
}

void validate_service(Reader& r, const json::object& obj, const json::object* old) {
  validate_object_meta(r, obj, kServiceMeta);
  FieldPath path("spec");
  const json::object& meta = metadata_of(obj);
  if (const json::object* annotations = find_object(meta, "annotations")) {
    const json::value* hints = annotations->if_contains("service.kubernetes.io/topology-aware-hints");
    const json::value* mode = annotations->if_contains("service.kubernetes.io/topology-mode");
    if (hints != nullptr && mode != nullptr && *hints != *mode) {
      r.add(invalid(FieldPath("metadata").child("annotations").key("service.kubernetes.io/topology-mode"), *mode,
                    "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified"));
    }
  }
  static const json::object kEmpty;
  const json::object* spec_ptr = r.object(obj, "spec", path);
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : kEmpty;
  const json::object* old_spec = old != nullptr ? &spec_of(*old) : nullptr;
  std::string type = r.string(spec, "type", path.child("type")).value_or("");
  // Report wrongly typed IP fields once; cluster_ips() below reads them quietly.
  r.string(spec, "clusterIP", path.child("clusterIP"));
  r.string_list(spec, "clusterIPs", path.child("clusterIPs"));
  std::vector<std::string> ips = cluster_ips(spec, old_spec);
  const json::array* ports = r.array(spec, "ports", path.child("ports"));
  if ((ports == nullptr || ports->empty()) && !headless(ips) && type != "ExternalName") {
    r.add(required(path.child("ports")));
  }
  if (type == "LoadBalancer" && headless(ips)) {
    r.add(invalid(path.child("clusterIPs").index(0), ips[0], "may not be set to 'None' for LoadBalancer services"));
  } else if (type == "NodePort" && headless(ips)) {
    r.add(invalid(path.child("clusterIPs").index(0), ips[0], "may not be set to 'None' for NodePort services"));
  } else if (type == "ExternalName") {
    if (!ips.empty()) r.add(forbidden(path.child("clusterIPs"), "may not be set for ExternalName services"));
    const json::array* families = find_array(spec, "ipFamilies");
    if (families != nullptr && !families->empty()) {
      r.add(forbidden(path.child("ipFamilies"), "may not be set for ExternalName services"));
    }
    if (has(spec, "ipFamilyPolicy")) r.add(forbidden(path.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
    std::string cname = r.string(spec, "externalName", path.child("externalName")).value_or("");
    if (!cname.empty() && cname.back() == '.') cname.pop_back();
    if (!cname.empty()) {
      validate_dns1123_subdomain(r.errors(), cname, path.child("externalName"));
    } else {
      r.add(required(path.child("externalName")));
    }
  }
  if (ports != nullptr) validate_ports(r, *ports, type, path.child("ports"));
  if (std::optional<StringMap> selector = r.string_map(spec, "selector", path.child("selector"))) {
    validate_labels(r.errors(), *selector, path.child("selector"));
  }
  validate_session_affinity(r, spec, path);
  if (type != "ExternalName") validate_cluster_ips(r, spec, cluster_ip(spec, old_spec), ips, path);
  std::vector<std::string> external =
      r.string_list(spec, "externalIPs", path.child("externalIPs")).value_or(std::vector<std::string>{});
  for (size_t i = 0; i < external.size(); ++i) {
    if (!is_ip(external[i])) {
      validate_ip(r.errors(), external[i], path.child("externalIPs").index(i));
    } else {
      validate_non_special_ip(r.errors(), external[i], path.child("externalIPs").index(i));
    }
  }
  if (type.empty()) {
    r.add(required(path.child("type")));
  } else if (type != "ClusterIP" && type != "NodePort" && type != "LoadBalancer" && type != "ExternalName") {
    r.add(not_supported(path.child("type"), type, {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}));
  }
  std::vector<std::string> ranges = r.string_list(spec, "loadBalancerSourceRanges", path.child("loadBalancerSourceRanges"))
                                        .value_or(std::vector<std::string>{});
  if (!ranges.empty()) {
    // Upstream spells this path with a capital L.
    FieldPath rp = path.child("LoadBalancerSourceRanges");
    if (type != "LoadBalancer") r.add(forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
    for (size_t i = 0; i < ranges.size(); ++i) {
      std::string value = ranges[i];
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      if (!is_cidr(value)) {
        r.add(invalid(rp.index(i), value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      }
    }
  }
  bool allocate_set = r.boolean(spec, "allocateLoadBalancerNodePorts", path.child("allocateLoadBalancerNodePorts")).has_value();
  if (allocate_set && type != "LoadBalancer") {
    r.add(forbidden(path.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type == "LoadBalancer" && !allocate_set) r.add(required(FieldPath("allocateLoadBalancerNodePorts")));
  if (std::optional<std::string> lb_class = r.string(spec, "loadBalancerClass", path.child("loadBalancerClass"))) {
    if (type == "LoadBalancer") {
      validate_qualified_name(r.errors(), *lb_class, path.child("loadBalancerClass"));
    } else {
      r.add(forbidden(path.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
    }
  }
  std::string etp = r.string(spec, "externalTrafficPolicy", path.child("externalTrafficPolicy")).value_or("");
  if (!externally_accessible(type, spec)) {
    if (!etp.empty()) {
      r.add(invalid(path.child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"));
    }
  } else if (etp.empty()) {
    r.add(required(path.child("externalTrafficPolicy")));
  } else if (etp != "Cluster" && etp != "Local") {
    r.add(not_supported(path.child("externalTrafficPolicy"), etp, {"Cluster", "Local"}));
  }
  int64_t health = r.integer(spec, "healthCheckNodePort", path.child("healthCheckNodePort")).value_or(0);
  if (!(type == "LoadBalancer" && etp == "Local")) {
    if (health != 0) {
      r.add(invalid(path.child("healthCheckNodePort"), health,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (health == 0) {
    r.add(required(path.child("healthCheckNodePort")));
  } else {
    add_invalid(r.errors(), path.child("healthCheckNodePort"), health, v::is_valid_port_num(health));
  }
  std::optional<std::string> itp = r.string(spec, "internalTrafficPolicy", path.child("internalTrafficPolicy"));
  if (!itp && (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP")) {
    r.add(required(path.child("internalTrafficPolicy")));
  }
  if (itp && *itp != "Cluster" && *itp != "Local") {
    r.add(not_supported(path.child("internalTrafficPolicy"), *itp, {"Cluster", "Local"}));
  }
  if (std::optional<std::string> td = r.string(spec, "trafficDistribution", path.child("trafficDistribution"))) {
    if (*td != "PreferClose") r.add(not_supported(path.child("trafficDistribution"), *td, {"PreferClose"}));
  }
}

void validate_update_specific(Reader& r, const json::object& obj, const json::object& old) {
  const json::object& spec = spec_of(obj);
  const json::object& old_spec = spec_of(old);
  std::string type = string_or(spec, "type");
  std::string old_type = string_or(old_spec, "type");
  FieldPath ips_path = FieldPath("spec").child("clusterIPs");
  std::vector<std::string> now = cluster_ips(spec, &old_spec);
  std::vector<std::string> before = cluster_ips(old_spec, nullptr);
  if (type != "ExternalName" && old_type != "ExternalName" && !(headless(now) && headless(before))) {
    json::value shown = string_array(now);
    if (before.size() == now.size()) {
      for (size_t i = 0; i < before.size(); ++i) {
        if (before[i] != now[i]) r.add(invalid(ips_path.index(i), shown, "may not change once set"));
      }
    } else if (before.size() > now.size()) {
      if (now.empty()) r.add(invalid(ips_path.index(0), shown, "primary clusterIP can not be unset"));
      if (!before.empty() && !now.empty() && now[0] != before[0]) {
        r.add(invalid(ips_path.index(0), shown, "may not change once set"));
      }
      if (now.size() == 1 && string_or(spec, "ipFamilyPolicy") != "SingleStack") {
        const json::value* policy = spec.if_contains("ipFamilyPolicy");
        r.add(invalid(FieldPath("spec").child("ipFamilyPolicy"), policy != nullptr ? *policy : json::value(nullptr),
                      "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (!before.empty() && now[0] != before[0]) {
      r.add(invalid(ips_path.index(0), shown, "may not change once set"));
    }
  }
  if (type != "ExternalName" && old_type != "ExternalName" && !headless(now) && !headless(before)) {
    std::vector<std::string> families = strings_at(spec, "ipFamilies");
    std::vector<std::string> old_families = strings_at(old_spec, "ipFamilies");
    FieldPath fp = FieldPath("spec").child("ipFamilies");
    if (families.size() == old_families.size()) {
      for (size_t i = 0; i < families.size(); ++i) {
        if (families[i] != old_families[i]) r.add(invalid(fp.index(0), string_array(families), "may not change once set"));
      }
    } else if (old_families.size() > families.size()) {
      if (!families.empty() && families[0] != old_families[0]) {
        r.add(invalid(fp.index(0), string_array(now), "may not change once set"));
      }
      if (families.size() == 1 && string_or(spec, "ipFamilyPolicy") != "SingleStack") {
        const json::value* policy = spec.if_contains("ipFamilyPolicy");
        r.add(invalid(FieldPath("spec").child("ipFamilyPolicy"), policy != nullptr ? *policy : json::value(nullptr),
                      "must be set to 'SingleStack' when releasing the secondary ipFamily"));
      }
    } else if (!old_families.empty() && !families.empty() && families[0] != old_families[0]) {
      r.add(invalid(fp.index(0), string_array(now), "may not change once set"));
    }
  }
  if (type == "LoadBalancer" && old_type == "LoadBalancer") {
    const json::value* cls = spec.if_contains("loadBalancerClass");
    const json::value* old_cls = old_spec.if_contains("loadBalancerClass");
    bool same = (cls == nullptr || cls->is_null()) == (old_cls == nullptr || old_cls->is_null()) &&
                (cls == nullptr || cls->is_null() || *cls == *old_cls);
    if (!same) r.add(invalid(FieldPath("spec").child("loadBalancerClass"), cls ? *cls : json::value(nullptr), "may not change once set"));
  }
  auto needs_health_check = [](const json::object& s) {
    return string_or(s, "type") == "LoadBalancer" && string_or(s, "externalTrafficPolicy") == "Local";
  };
  if (needs_health_check(old_spec) && needs_health_check(spec) && has(spec, "healthCheckNodePort") &&
      find_int(spec, "healthCheckNodePort") != find_int(old_spec, "healthCheckNodePort")) {
    r.add(forbidden(FieldPath("spec").child("healthCheckNodePort"), "field is immutable"));
  }
}

}  // namespace

void set_defaults_service(json::object& obj) {
  json::object* spec = object_for_defaults(obj, "spec");
  if (spec == nullptr) return;
  default_string(*spec, "sessionAffinity", "None");
  std::string affinity = string_or(*spec, "sessionAffinity");
  if (affinity == "None") spec->erase("sessionAffinityConfig");
  if (affinity == "ClientIP") {
    const json::object* config = find_object(*spec, "sessionAffinityConfig");
    const json::object* client = config != nullptr ? find_object(*config, "clientIP") : nullptr;
    if (client == nullptr || !has(*client, "timeoutSeconds")) {
      (*spec)["sessionAffinityConfig"] = json::object{{"clientIP", json::object{{"timeoutSeconds", 10800}}}};
    }
  }
  default_string(*spec, "type", "ClusterIP");
  std::string type = string_or(*spec, "type");
  if (json::array* ports = find_array(*spec, "ports")) {
    for (json::value& p : *ports) {
      if (!p.is_object()) continue;
      json::object& port = p.get_object();
      default_string(port, "protocol", "TCP");
      const json::value* target = port.if_contains("targetPort");
      bool unset = target == nullptr || target->is_null() || (target->is_string() && target->get_string().empty()) ||
                   (as_integer(*target) == std::optional<int64_t>(0));
      if (unset && port.contains("port")) {
        json::value number = port["port"];  // A copy: inserting targetPort may rehash.
        port["targetPort"] = std::move(number);
      }
    }
  }
  if (externally_accessible(type, *spec)) default_string(*spec, "externalTrafficPolicy", "Cluster");
  if (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP") {
    default_value(*spec, "internalTrafficPolicy", "Cluster");
  }
  if (type == "LoadBalancer") {
    default_value(*spec, "allocateLoadBalancerNodePorts", true);
    json::object* status = find_object(obj, "status");
    json::object* lb = status != nullptr ? find_object(*status, "loadBalancer") : nullptr;
    json::array* ingress = lb != nullptr ? find_array(*lb, "ingress") : nullptr;
    for (size_t i = 0; ingress != nullptr && i < ingress->size(); ++i) {
      if (!(*ingress)[i].is_object()) continue;
      json::object& ing = (*ingress)[i].get_object();
      if (!string_or(ing, "ip").empty()) default_value(ing, "ipMode", "VIP");
    }
  }
}

FieldErrors validate_service(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) {
    validate_object_meta_update(r, obj, *old, kServiceMeta);
    validate_update_specific(r, obj, *old);
  }
  validate_service(r, obj, old);
  dedupe(errs);
  return errs;
}

FieldErrors validate_service_status_update(const json::object& obj, const json::object& old) {
  FieldErrors errs;
  Reader r(errs);
  validate_object_meta_update(r, obj, old, kServiceMeta);
  FieldPath path = FieldPath("status").child("loadBalancer").child("ingress");
  const json::object* status = find_object(obj, "status");
  const json::object* lb = status != nullptr ? find_object(*status, "loadBalancer") : nullptr;
  const json::array* ingress = lb != nullptr ? r.array(*lb, "ingress", path) : nullptr;
  if (ingress != nullptr && !ingress->empty() && string_or(spec_of(obj), "type") != "LoadBalancer") {
    r.add(forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'"));
  } else if (ingress != nullptr) {
    for (size_t i = 0; i < ingress->size(); ++i) {
      FieldPath ip = path.index(i);
      const json::object* ing = r.element_object((*ingress)[i], ip);
      if (ing == nullptr) continue;
      std::string addr = r.string(*ing, "ip", ip.child("ip")).value_or("");
      if (!addr.empty()) validate_ip(errs, addr, ip.child("ip"));
      std::optional<std::string> mode = r.string(*ing, "ipMode", ip.child("ipMode"));
      if (!mode && !addr.empty()) {
        r.add(required(ip.child("ipMode"), "must be specified when `ip` is set"));
      } else if (mode && addr.empty()) {
        r.add(forbidden(ip.child("ipMode"), "may not be specified when `ip` is not set"));
      } else if (mode && *mode != "VIP" && *mode != "Proxy") {
        r.add(not_supported(ip.child("ipMode"), *mode, {"Proxy", "VIP"}));
      }
      std::string hostname = r.string(*ing, "hostname", ip.child("hostname")).value_or("");
      if (!hostname.empty()) {
        validate_dns1123_subdomain(errs, hostname, ip.child("hostname"));
        if (is_ip(hostname)) r.add(invalid(ip.child("hostname"), hostname, "must be a DNS name, not an IP address"));
      }
    }
  }
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
