// Resource arithmetic and upstream's pod request computation (component-helpers
// resource.PodRequests, as the scheduler calls it).

#include "kscratch/scheduler/resources.h"

#include <algorithm>
#include <map>
#include <string>

#include <boost/json.hpp>

#include "json_access.h"
#include "kscratch/apimachinery/quantity.h"

namespace kscratch::scheduler {

namespace qty = apimachinery::quantity;

namespace {

// A v1.ResourceList by name, cpu in millicores and everything else in units.
using ResourceMap = std::map<std::string, int64_t, std::less<>>;

int64_t parse_amount(std::string_view name, const boost::json::value& v) {
  std::string text;
  if (v.is_string()) {
    text = std::string(v.get_string());
  } else if (v.is_int64() || v.is_uint64() || v.is_double()) {
    text = boost::json::serialize(v);
  } else {
    return 0;
  }
  auto q = qty::parse(text);
  if (!q) return 0;
  return name == "cpu" ? q->milli_value() : q->value();
}

ResourceMap parse_map(const boost::json::value* list) {
  ResourceMap out;
  if (list == nullptr || !list->is_object()) return out;
  for (const auto& [name, amount] : list->get_object()) {
    std::string_view n(name.data(), name.size());
    out.emplace(std::string(n), parse_amount(n, amount));
  }
  return out;
}

void add_into(ResourceMap& into, const ResourceMap& from) {
  for (const auto& [name, amount] : from) into[name] += amount;
}

void max_into(ResourceMap& into, const ResourceMap& from) {
  for (const auto& [name, amount] : from) {
    auto [it, inserted] = into.emplace(name, amount);
    if (!inserted) it->second = std::max(it->second, amount);
  }
}

// upstream applyNonMissing: only resources the container does not mention get the default.
ResourceMap container_requests(const boost::json::object& container, bool non_zero) {
  const boost::json::object* resources = json_access::object_at(container, "resources");
  ResourceMap reqs = parse_map(resources != nullptr ? resources->if_contains("requests") : nullptr);
  if (non_zero) {
    reqs.emplace("cpu", kDefaultMilliCpuRequest);
    reqs.emplace("memory", kDefaultMemoryRequest);
  }
  return reqs;
}

Resources to_resources(const ResourceMap& map) {
  Resources r;
  for (const auto& [name, amount] : map) {
    if (name == "cpu") {
      r.milli_cpu = amount;
    } else if (name == "memory") {
      r.memory = amount;
    } else if (name == "ephemeral-storage") {
      r.ephemeral_storage = amount;
    } else if (name == "pods") {
      r.pods = amount;
    } else if (is_scalar_resource_name(name)) {
      r.scalars.emplace_back(name, amount);  // The map is sorted, so scalars are too.
    }
  }
  return r;
}

}  // namespace

int64_t Resources::scalar(std::string_view name) const {
  auto it = std::lower_bound(scalars.begin(), scalars.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  return it != scalars.end() && it->first == name ? it->second : 0;
}

void Resources::add(const Resources& other) {
  milli_cpu += other.milli_cpu;
  memory += other.memory;
  ephemeral_storage += other.ephemeral_storage;
  pods += other.pods;
  for (const auto& [name, amount] : other.scalars) {
    auto it = std::lower_bound(scalars.begin(), scalars.end(), name,
                               [](const auto& entry, const std::string& n) { return entry.first < n; });
    if (it != scalars.end() && it->first == name) {
      it->second += amount;
    } else {
      scalars.emplace(it, name, amount);
    }
  }
}

void Resources::subtract(const Resources& other) {
  Resources negated = other;
  negated.milli_cpu = -other.milli_cpu;
  negated.memory = -other.memory;
  negated.ephemeral_storage = -other.ephemeral_storage;
  negated.pods = -other.pods;
  for (auto& entry : negated.scalars) entry.second = -entry.second;
  add(negated);
}

bool is_scalar_resource_name(std::string_view name) {
  if (name.starts_with("hugepages-") || name.starts_with("attachable-volumes-")) return true;
  // upstream IsExtendedResourceName: not native (native = no "/" or a kubernetes.io/ prefix) and
  // not a quota "requests." name.
  bool native = name.find('/') == std::string_view::npos || name.starts_with("kubernetes.io/");
  return !native && !name.starts_with("requests.");
}

Resources parse_resource_list(const boost::json::value* list) { return to_resources(parse_map(list)); }

Resources pod_requests(const boost::json::object& spec, bool non_zero) {
  ResourceMap reqs;
  if (const boost::json::array* containers = json_access::array_at(spec, "containers")) {
    for (const auto& c : *containers) {
      if (c.is_object()) add_into(reqs, container_requests(c.get_object(), non_zero));
    }
  }
  // Init containers run one at a time before the app containers, so the pod needs the largest
  // of them; restartable init containers (sidecars) keep running and add up.
  ResourceMap restartable_sum;
  ResourceMap init_max;
  if (const boost::json::array* inits = json_access::array_at(spec, "initContainers")) {
    for (const auto& c : *inits) {
      if (!c.is_object()) continue;
      ResourceMap container = container_requests(c.get_object(), non_zero);
      if (json_access::string_at(c.get_object(), "restartPolicy") == "Always") {
        add_into(reqs, container);
        add_into(restartable_sum, container);
        container = restartable_sum;
      } else {
        add_into(container, restartable_sum);
      }
      max_into(init_max, container);
    }
  }
  max_into(reqs, init_max);
  add_into(reqs, parse_map(spec.if_contains("overhead")));
  return to_resources(reqs);
}

}  // namespace kscratch::scheduler
