// Nodes: SetDefaults_NodeStatus (allocatable from capacity) with the resource list rounding,
// and ValidateNode / ValidateNodeUpdate, which upstream also uses for node status updates.

#include <set>

#include "go_format.h"
#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "pod_spec.h"
#include "resources.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kNodeMeta{false, NameRule::kDNS1123Subdomain, true};

const json::object& spec_of(const json::object& obj) {
  static const json::object kEmpty;
  const json::object* spec = find_object(obj, "spec");
  return spec != nullptr ? *spec : kEmpty;
}

bool is_cidr(const std::string& s) {
  size_t slash = s.find('/');
  if (slash == std::string::npos || slash + 1 >= s.size()) return false;
  std::string ip = s.substr(0, slash);
  if (!is_ip(ip)) return false;
  int max = ip.find(':') != std::string::npos ? 128 : 32;
  int bits = 0;
  for (size_t i = slash + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    bits = bits * 10 + (s[i] - '0');
    if (bits > max) return false;
  }
  return true;
}

// validateNodeTaints; upstream passes metadata's path, hence metadata.taints[i].
void validate_taints(Reader& r, const json::object& spec) {
  FieldPath path = FieldPath("metadata").child("taints");
  const json::array* taints = r.array(spec, "taints", FieldPath("spec").child("taints"));
  if (taints == nullptr) return;
  std::set<std::pair<std::string, std::string>> unique;
  for (size_t i = 0; i < taints->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* t = r.element_object((*taints)[i], ip);
    if (t == nullptr) continue;
    std::string key = string_or(*t, "key");
    std::string value = string_or(*t, "value");
    std::string effect = string_or(*t, "effect");
    validate_label_name(r.errors(), key, ip.child("key"));
    std::vector<std::string> msgs = v::is_valid_label_value(value);
    if (!msgs.empty()) {
      std::string joined;
      for (size_t m = 0; m < msgs.size(); ++m) joined += (m > 0 ? ";" : "") + msgs[m];
      r.add(invalid(ip.child("value"), value, joined));
    }
    if (effect.empty()) {
      r.add(required(ip.child("effect")));
    } else if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      r.add(not_supported(ip.child("effect"), effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
    }
    if (!unique.insert({effect, key}).second) {
      FieldError e = duplicate(ip, go_value("core.Taint{Key:" + go_quote(key) + ", Value:" + go_quote(value) +
                                            ", Effect:" + go_quote(effect) + ", TimeAdded:(*v1.Time)(nil)}"));
      e.detail = "taints must be unique by key and effect pair";
      r.add(std::move(e));
    }
  }
}

void validate_node_resources(Reader& r, const json::object& obj) {
  const json::object* status = find_object(obj, "status");
  if (status == nullptr) return;
  validate_resource_quantities(r, *status, "capacity", FieldPath("status").child("capacity"));
  validate_resource_quantities(r, *status, "allocatable", FieldPath("status").child("allocatable"));
}

void validate_node(Reader& r, const json::object& obj) {
  validate_object_meta(r, obj, kNodeMeta);
  static const json::object kEmpty;
  const json::object* spec = r.object(obj, "spec", FieldPath("spec"));
  if (spec == nullptr) spec = &kEmpty;
  validate_taints(r, *spec);
  validate_node_resources(r, obj);
  FieldPath cidrs_path = FieldPath("spec").child("podCIDRs");
  std::vector<std::string> cidrs = r.string_list(*spec, "podCIDRs", cidrs_path).value_or(std::vector<std::string>{});
  for (size_t i = 0; i < cidrs.size(); ++i) {
    if (!is_cidr(cidrs[i])) {
      r.add(invalid(cidrs_path.index(i), cidrs[i], "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
    }
  }
  if (cidrs.size() > 1) {
    bool v6a = cidrs[0].find(':') != std::string::npos;
    bool v6b = cidrs[1].find(':') != std::string::npos;
    if (v6a == v6b || cidrs.size() > 2) {
      json::array list;
      for (const std::string& c : cidrs) list.emplace_back(c);
      r.add(invalid(cidrs_path, list, "may specify no more than one CIDR for each IP family"));
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < cidrs.size(); ++i) {
      if (!seen.insert(cidrs[i]).second) r.add(duplicate(cidrs_path.index(i), cidrs[i]));
    }
  }
}

void validate_node_update(Reader& r, const json::object& obj, const json::object& old) {
  validate_object_meta_update(r, obj, old, kNodeMeta);
  validate_node_resources(r, obj);
  if (const json::object* status = find_object(obj, "status")) {
    if (const json::array* addresses = find_array(*status, "addresses")) {
      std::set<std::pair<std::string, std::string>> seen;
      for (size_t i = 0; i < addresses->size(); ++i) {
        if (!(*addresses)[i].is_object()) continue;
        const json::object& a = (*addresses)[i].get_object();
        std::string type = string_or(a, "type");
        std::string address = string_or(a, "address");
        if (!seen.insert({type, address}).second) {
          r.add(duplicate(FieldPath("status").child("addresses").index(i),
                          go_value("core.NodeAddress{Type:" + go_quote(type) + ", Address:" + go_quote(address) + "}")));
        }
      }
    }
  }
  const json::object& spec = spec_of(obj);
  const json::object& old_spec = spec_of(old);
  const json::array* old_cidrs = find_array(old_spec, "podCIDRs");
  if (old_cidrs != nullptr && !old_cidrs->empty()) {
    const json::array* cidrs = find_array(spec, "podCIDRs");
    const std::string msg = "node updates may not change podCIDR except from \"\" to valid";
    if (cidrs == nullptr || cidrs->size() != old_cidrs->size()) {
      r.add(forbidden(FieldPath("spec").child("podCIDRs"), msg));
    } else {
      for (size_t i = 0; i < old_cidrs->size(); ++i) {
        if ((*old_cidrs)[i] != (*cidrs)[i]) r.add(forbidden(FieldPath("spec").child("podCIDRs"), msg));
      }
    }
  }
  std::string old_provider = string_or(old_spec, "providerID");
  if (!old_provider.empty() && old_provider != string_or(spec, "providerID")) {
    r.add(forbidden(FieldPath("spec").child("providerID"),
                    "node updates may not change providerID except from \"\" to valid"));
  }
  validate_taints(r, spec);
  if (string_or(spec, "externalID") != string_or(old_spec, "externalID")) {
    r.add(forbidden(FieldPath("spec").child("externalID"), "may not be updated"));
  }
}

}  // namespace

void set_defaults_node(json::object& obj) {
  json::object* status = find_object(obj, "status");
  if (status == nullptr) return;
  default_resource_list(*status, "capacity");
  default_resource_list(*status, "allocatable");
  if (has(*status, "capacity") && !has(*status, "allocatable")) {
    json::value capacity = (*status)["capacity"];  // A copy: inserting may rehash.
    (*status)["allocatable"] = std::move(capacity);
  }
}

FieldErrors validate_node(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old == nullptr) {
    validate_node(r, obj);
  } else {
    validate_node_update(r, obj, *old);
  }
  dedupe(errs);
  return errs;
}

FieldErrors validate_node_status_update(const json::object& obj, const json::object& old) {
  return validate_node(obj, &old);
}

}  // namespace kscratch::apiserver::kinds
