// Resource quantities in pods and nodes; see resources.h.

#include "resources.h"

#include <map>


#include "go_format.h"
#include "kscratch/apimachinery/quantity.h"
#include "kscratch/apimachinery/validation.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace q = apimachinery::quantity;
namespace v = apimachinery::validation;

namespace {

bool has_slash(std::string_view name) { return name.find('/') != std::string_view::npos; }
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_hugepages(std::string_view name) { return starts_with(name, "hugepages-"); }

// helper.IsStandardResourceName: the names quota and containers understand without a prefix.
bool is_standard_resource_name(std::string_view name) {
  static const char* kNames[] = {
      "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
      "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
      "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
      "services.nodeports", "services.loadbalancers"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return is_hugepages(name) || starts_with(name, "requests.hugepages-");
}

bool is_standard_container_resource_name(std::string_view name) {
  return name == "cpu" || name == "memory" || name == "ephemeral-storage" || is_hugepages(name);
}

// Native resources are unprefixed or in the kubernetes.io domain.
bool is_native_resource(std::string_view name) {
  return !has_slash(name) || name.find("kubernetes.io/") != std::string_view::npos;
}

bool is_extended_resource_name(std::string_view name) {
  if (is_native_resource(name) || starts_with(name, "requests.")) return false;
  return v::is_qualified_name("requests." + std::string(name)).empty();
}

bool is_overcommit_allowed(std::string_view name) { return is_native_resource(name) && !is_hugepages(name); }

// helper.IsIntegerResourceName: object counts and extended resources.
bool is_integer_resource_name(std::string_view name) {
  static const char* kNames[] = {"pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
                                 "configmaps", "persistentvolumeclaims", "services.nodeports",
                                 "services.loadbalancers"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return is_extended_resource_name(name);
}

void validate_container_resource_name(FieldErrors& errs, const std::string& name, const FieldPath& path) {
  std::vector<std::string> msgs = v::is_qualified_name(name);
  add_invalid(errs, path, json::value(name), msgs);
  if (msgs.empty() && !has_slash(name) && !is_standard_resource_name(name)) {
    errs.push_back(invalid(path, name, "must be a standard resource type or fully qualified"));
  }
  if (!has_slash(name)) {
    if (!is_standard_container_resource_name(name)) {
      errs.push_back(invalid(path, name, "must be a standard resource for containers"));
    }
  } else if (!is_native_resource(name) && !is_extended_resource_name(name)) {
    errs.push_back(invalid(path, name, "doesn't follow extended resource name standard"));
  }
}

// A quantity from JSON: strings as written, numbers as their decimal text (YAML `cpu: 2`).
std::optional<std::string> quantity_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  // Go keeps a number's own text; the shortest decimal form is the closest (0.5, not 5E-1).
  if (v.is_double()) return go_float(v.get_double());
  return std::nullopt;
}

// Parses the list at key, reporting unparsable entries at path[name].
std::map<std::string, q::Quantity> parse_list(Reader& r, const json::object& parent, std::string_view key,
                                               const FieldPath& path) {
  std::map<std::string, q::Quantity> out;
  const json::object* list = r.object(parent, key, path);
  if (list == nullptr) return out;
  for (const auto& [name, value] : *list) {
    std::optional<std::string> text = quantity_text(value);
    if (!text) {
      r.add(type_invalid(path.key(name), value, "quantity"));
      continue;
    }
    Expected<q::Quantity> parsed = q::parse(*text);
    if (!parsed) {
      r.add(invalid(path.key(name), *text, parsed.error().message));
      continue;
    }
    out.emplace(std::string(name), *parsed);
  }
  return out;
}

// ValidateResourceQuantityValue.
void validate_quantity_value(FieldErrors& errs, const std::string& name, const q::Quantity& quantity,
                             const FieldPath& path) {
  if (quantity.sign() < 0) errs.push_back(invalid(path, quantity.to_string(), std::string(kNegative)));
  if (is_integer_resource_name(name) && quantity.milli_value() % 1000 != 0) {
    errs.push_back(invalid(path, quantity.to_string(), "must be an integer"));
  }
}

}  // namespace

void default_resource_list(json::object& parent, std::string_view key) {
  json::object* list = find_object(parent, key);
  if (list == nullptr) return;
  for (auto& kv : *list) {
    std::optional<std::string> text = quantity_text(kv.value());
    if (!text) continue;
    Expected<q::Quantity> parsed = q::parse(*text);
    if (!parsed) continue;
    q::Quantity value = *parsed;
    // Round sub-milli amounts up to the next milli unit, as upstream's RoundUp(-3).
    int64_t milli = value.milli_value();
    if (milli != std::numeric_limits<int64_t>::max() && milli != std::numeric_limits<int64_t>::min()) {
      q::Quantity rounded = q::Quantity::from_milli(milli, value.format());
      if (rounded != value) value = rounded;
    }
    kv.value() = value.to_string();
  }
}

void validate_container_resources(Reader& r, const json::object& resources, const FieldPath& path) {
  FieldPath lim_path = path.child("limits");
  FieldPath req_path = path.child("requests");
  std::map<std::string, q::Quantity> limits = parse_list(r, resources, "limits", lim_path);
  std::map<std::string, q::Quantity> requests = parse_list(r, resources, "requests", req_path);
  bool lim_cpu_or_memory = false;
  bool req_cpu_or_memory = false;
  bool hugepages = false;
  for (const auto& [name, quantity] : limits) {
    FieldPath p = lim_path.key(name);
    validate_container_resource_name(r.errors(), name, p);
    validate_quantity_value(r.errors(), name, quantity, p);
    hugepages = hugepages || is_hugepages(name);
    lim_cpu_or_memory = lim_cpu_or_memory || name == "cpu" || name == "memory";
  }
  for (const auto& [name, quantity] : requests) {
    FieldPath p = req_path.key(name);
    validate_container_resource_name(r.errors(), name, p);
    validate_quantity_value(r.errors(), name, quantity, p);
    auto limit = limits.find(name);
    if (limit != limits.end()) {
      // Requests of resources that cannot be overcommitted must equal their limits.
      if (quantity != limit->second && !is_overcommit_allowed(name)) {
        r.add(invalid(req_path, quantity.to_string(),
                      "must be equal to " + name + " limit of " + limit->second.to_string()));
      } else if (quantity > limit->second) {
        r.add(invalid(req_path, quantity.to_string(),
                      "must be less than or equal to " + name + " limit of " + limit->second.to_string()));
      }
    } else if (!is_overcommit_allowed(name)) {
      r.add(required(lim_path, "Limit must be set for non overcommitable resources"));
    }
    hugepages = hugepages || is_hugepages(name);
    req_cpu_or_memory = req_cpu_or_memory || name == "cpu" || name == "memory";
  }
  if (!lim_cpu_or_memory && !req_cpu_or_memory && hugepages) {
    r.add(forbidden(path, "HugePages require cpu or memory"));
  }
}

void validate_resource_quantities(Reader& r, const json::object& parent, std::string_view key, const FieldPath& path) {
  for (const auto& [name, quantity] : parse_list(r, parent, key, path)) {
    // Upstream builds these paths with Child, so they read status.capacity.cpu.
    validate_quantity_value(r.errors(), name, quantity, path.child(name));
  }
}

}  // namespace kscratch::apiserver::kinds
