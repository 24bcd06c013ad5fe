// EndpointSlices (discovery.k8s.io/v1): SetDefaults_EndpointPort and ValidateEndpointSlice
// (Create/Update, where the deprecated "IP" address type is still accepted and addressType
// is immutable).

#include <set>

#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "pod_spec.h"

namespace kscratch::apiserver::kinds {

void validate_non_special_ip_address(FieldErrors& errs, const std::string& ip, const FieldPath& path);

namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kSliceMeta{true, NameRule::kDNS1123Subdomain, true};
constexpr int64_t kMaxTopologyLabels = 16;
constexpr int64_t kMaxAddresses = 100;
constexpr int64_t kMaxPorts = 100;
constexpr int64_t kMaxEndpoints = 1000;

void join_into(FieldErrors& errs, const FieldPath& path, const std::string& bad, const std::vector<std::string>& msgs) {
  std::string joined;
  for (size_t i = 0; i < msgs.size(); ++i) joined += (i > 0 ? "," : "") + msgs[i];
  errs.push_back(invalid(path, bad, joined));
}

// IsFullyQualifiedDomainName.
void validate_fqdn(FieldErrors& errs, std::string name, const FieldPath& path) {
  if (name.empty()) {
    errs.push_back(required(path));
    return;
  }
  if (name.back() == '.') name.pop_back();
  if (std::vector<std::string> msgs = v::is_dns1123_subdomain(name); !msgs.empty()) {
    join_into(errs, path, name, msgs);
    return;
  }
  if (name.find('.') == std::string::npos) {
    errs.push_back(invalid(path, name, "should be a domain with at least two segments separated by dots"));
    return;
  }
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string label = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (std::vector<std::string> msgs = v::is_dns1123_label(label); !msgs.empty()) {
      join_into(errs, path, label, msgs);
      return;
    }
    if (dot == std::string::npos) return;
    start = dot + 1;
  }
}

void validate_endpoints_list(Reader& r, const json::object& obj, const std::string& type) {
  FieldPath path("endpoints");
  const json::array* endpoints = r.array(obj, "endpoints", path);
  if (endpoints == nullptr) return;
  if (static_cast<int64_t>(endpoints->size()) > kMaxEndpoints) {
    r.add(too_many(path, static_cast<int64_t>(endpoints->size()), kMaxEndpoints));
    return;
  }
  for (size_t i = 0; i < endpoints->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* e = r.element_object((*endpoints)[i], ip);
    if (e == nullptr) continue;
    FieldPath ap = ip.child("addresses");
    std::vector<std::string> addresses = r.string_list(*e, "addresses", ap).value_or(std::vector<std::string>{});
    if (addresses.empty()) {
      r.add(required(ap, "must contain at least 1 address"));
    } else if (static_cast<int64_t>(addresses.size()) > kMaxAddresses) {
      r.add(too_many(ap, static_cast<int64_t>(addresses.size()), kMaxAddresses));
    }
    for (size_t a = 0; a < addresses.size(); ++a) {
      const std::string& addr = addresses[a];
      bool v6 = addr.find(':') != std::string::npos;
      if (type == "IP") {
        validate_ip(r.errors(), addr, ap.index(a));
      } else if (type == "IPv4") {
        if (!is_ip(addr) || v6) r.add(invalid(ap.index(a), addr, "must be a valid IPv4 address"));
        validate_non_special_ip_address(r.errors(), addr, ap.index(a));
      } else if (type == "IPv6") {
        if (!is_ip(addr) || !v6) r.add(invalid(ap.index(a), addr, "must be a valid IPv6 address"));
        validate_non_special_ip_address(r.errors(), addr, ap.index(a));
      } else if (type == "FQDN") {
        validate_fqdn(r.errors(), addr, ap.index(a));
      }
    }
    FieldPath tp = ip.child("topology");
    if (std::optional<StringMap> topology = r.string_map(*e, "deprecatedTopology", tp)) {
      if (static_cast<int64_t>(topology->size()) > kMaxTopologyLabels) {
        r.add(too_many(tp, static_cast<int64_t>(topology->size()), kMaxTopologyLabels));
      }
      validate_labels(r.errors(), *topology, tp);
    }
    if (std::optional<std::string> hostname = r.string(*e, "hostname", ip.child("hostname"))) {
      validate_dns1123_label(r.errors(), *hostname, ip.child("hostname"));
    }
  }
}

void validate_ports(Reader& r, const json::object& obj) {
  FieldPath path("ports");
  const json::array* ports = r.array(obj, "ports", path);
  if (ports == nullptr) return;
  if (static_cast<int64_t>(ports->size()) > kMaxPorts) {
    r.add(too_many(path, static_cast<int64_t>(ports->size()), kMaxPorts));
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < ports->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* p = r.element_object((*ports)[i], ip);
    if (p == nullptr) continue;
    std::string name = r.string(*p, "name", ip.child("name")).value_or("");
    if (!name.empty()) validate_dns1123_label(r.errors(), name, ip.child("name"));
    if (!names.insert(name).second) r.add(duplicate(ip.child("name"), name));
    std::optional<std::string> protocol = r.string(*p, "protocol", ip.child("protocol"));
    if (!protocol) {
      r.add(required(ip.child("protocol")));
    } else if (*protocol != "TCP" && *protocol != "UDP" && *protocol != "SCTP") {
      r.add(not_supported(ip.child("protocol"), *protocol, {"SCTP", "TCP", "UDP"}));
    }
    if (std::optional<int64_t> port = r.integer(*p, "port", ip.child("port"))) {
      add_invalid(r.errors(), ip.child("port"), *port, v::is_valid_port_num(*port));
    }
    if (std::optional<std::string> app = r.string(*p, "appProtocol", ip.child("appProtocol"))) {
      validate_qualified_name(r.errors(), *app, ip.child("appProtocol"));
    }
  }
}

void validate_slice(Reader& r, const json::object& obj, bool allow_deprecated_ip) {
  validate_object_meta(r, obj, kSliceMeta);
  std::string type = r.string(obj, "addressType", FieldPath("addressType")).value_or("");
  std::vector<std::string> valid = {"FQDN", "IPv4", "IPv6"};
  if (allow_deprecated_ip) valid = {"FQDN", "IP", "IPv4", "IPv6"};
  if (type.empty()) {
    r.add(required(FieldPath("addressType")));
  } else if (std::find(valid.begin(), valid.end(), type) == valid.end()) {
    r.add(not_supported(FieldPath("addressType"), type, valid));
  }
  validate_endpoints_list(r, obj, type);
  validate_ports(r, obj);
}

}  // namespace

void set_defaults_endpointslice(json::object& obj) {
  json::array* ports = find_array(obj, "ports");
  for (size_t i = 0; ports != nullptr && i < ports->size(); ++i) {
    if (!(*ports)[i].is_object()) continue;
    json::object& port = (*ports)[i].get_object();
    default_value(port, "name", "");
    default_value(port, "protocol", "TCP");
  }
}

FieldErrors validate_endpointslice(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old == nullptr) {
    validate_slice(r, obj, false);
  } else {
    // The generic update path checks metadata for every kind (upstream's validateCommonFields).
    validate_object_meta_update(r, obj, *old, kSliceMeta);
    validate_slice(r, obj, true);
    std::string type = string_or(obj, "addressType");
    if (type != string_or(*old, "addressType")) r.add(invalid(FieldPath("addressType"), type, std::string(kImmutable)));
  }
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
