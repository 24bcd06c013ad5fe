// Endpoints: SetDefaults_Endpoints (port protocol TCP) and ValidateEndpoints(Update).

#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "pod_spec.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kEndpointsMeta{true, NameRule::kDNS1123Subdomain, true};

}  // namespace

// ValidateNonSpecialIP, shared with EndpointSlices.
void validate_non_special_ip_address(FieldErrors& errs, const std::string& ip, const FieldPath& path) {
  if (!is_ip(ip)) {
    errs.push_back(invalid(path, ip, "must be a valid IP address"));
    return;
  }
  bool v6 = ip.find(':') != std::string::npos;
  if (ip == "0.0.0.0" || ip == "::") errs.push_back(invalid(path, ip, "may not be unspecified (" + ip + ")"));
  if ((!v6 && ip.rfind("127.", 0) == 0) || ip == "::1") {
    errs.push_back(invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  }
  if ((!v6 && ip.rfind("169.254.", 0) == 0) || (v6 && ip.rfind("fe8", 0) == 0)) {
    errs.push_back(invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  }
  if ((!v6 && ip.rfind("224.0.0.", 0) == 0) || (v6 && ip.rfind("ff02:", 0) == 0)) {
    errs.push_back(invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  }
}

namespace {

void validate_address(Reader& r, const json::object& a, const FieldPath& path) {
  std::string ip = r.string(a, "ip", path.child("ip")).value_or("");
  validate_ip(r.errors(), ip, path.child("ip"));
  std::string hostname = r.string(a, "hostname", path.child("hostname")).value_or("");
  if (!hostname.empty()) validate_dns1123_label(r.errors(), hostname, path.child("hostname"));
  if (std::optional<std::string> node = r.string(a, "nodeName", path.child("nodeName"))) {
    add_invalid(r.errors(), path.child("nodeName"), json::value(*node),
                name_messages(NameRule::kDNS1123Subdomain, *node, false));
  }
  validate_non_special_ip_address(r.errors(), ip, path.child("ip"));
}

void validate_subsets(Reader& r, const json::object& obj) {
  FieldPath path("subsets");
  const json::array* subsets = r.array(obj, "subsets", path);
  if (subsets == nullptr) return;
  for (size_t i = 0; i < subsets->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* ss = r.element_object((*subsets)[i], ip);
    if (ss == nullptr) continue;
    const json::array* ready = r.array(*ss, "addresses", ip.child("addresses"));
    const json::array* not_ready = r.array(*ss, "notReadyAddresses", ip.child("notReadyAddresses"));
    if ((ready == nullptr || ready->empty()) && (not_ready == nullptr || not_ready->empty())) {
      r.add(required(ip, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (auto [list, key] : {std::pair{ready, "addresses"}, std::pair{not_ready, "notReadyAddresses"}}) {
      for (size_t a = 0; list != nullptr && a < list->size(); ++a) {
        const json::object* addr = r.element_object((*list)[a], ip.child(key).index(a));
        if (addr != nullptr) validate_address(r, *addr, ip.child(key).index(a));
      }
    }
    const json::array* ports = r.array(*ss, "ports", ip.child("ports"));
    for (size_t p = 0; ports != nullptr && p < ports->size(); ++p) {
      FieldPath pp = ip.child("ports").index(p);
      const json::object* port = r.element_object((*ports)[p], pp);
      if (port == nullptr) continue;
      std::string name = r.string(*port, "name", pp.child("name")).value_or("");
      if (ports->size() > 1 && name.empty()) {
        r.add(required(pp.child("name")));
      } else if (!name.empty()) {
        validate_dns1123_label(r.errors(), name, pp.child("name"));
      }
      int64_t number = r.integer(*port, "port", pp.child("port")).value_or(0);
      add_invalid(r.errors(), pp.child("port"), number, v::is_valid_port_num(number));
      std::string protocol = r.string(*port, "protocol", pp.child("protocol")).value_or("");
      if (protocol.empty()) {
        r.add(required(pp.child("protocol")));
      } else if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
        r.add(not_supported(pp.child("protocol"), protocol, {"SCTP", "TCP", "UDP"}));
      }
      if (std::optional<std::string> app = r.string(*port, "appProtocol", pp.child("appProtocol"))) {
        validate_qualified_name(r.errors(), *app, pp.child("appProtocol"));
      }
    }
  }
}

}  // namespace

void set_defaults_endpoints(json::object& obj) {
  json::array* subsets = find_array(obj, "subsets");
  for (size_t i = 0; subsets != nullptr && i < subsets->size(); ++i) {
    if (!(*subsets)[i].is_object()) continue;
    json::array* ports = find_array((*subsets)[i].get_object(), "ports");
    for (size_t p = 0; ports != nullptr && p < ports->size(); ++p) {
      if ((*ports)[p].is_object()) default_string((*ports)[p].get_object(), "protocol", "TCP");
    }
  }
}

FieldErrors validate_endpoints(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) validate_object_meta_update(r, obj, *old, kEndpointsMeta);
  validate_object_meta(r, obj, kEndpointsMeta);
  validate_subsets(r, obj);
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
