#include "shape.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>

namespace kscratch::apiserver::fieldmanager {

namespace {

// Associative lists whose server-side apply keys differ from the strategic merge key.
struct ListKeys {
  std::string_view type, field;
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, json::value>> defaults;
};

const std::vector<ListKeys>& list_key_overrides() {
  static const std::vector<ListKeys> table = {
      // +listMapKey=containerPort +listMapKey=protocol; protocol defaults to TCP.
      {"Container", "ports", {"containerPort", "protocol"}, {{"protocol", json::value("TCP")}}},
      {"ServiceSpec", "ports", {"port", "protocol"}, {{"protocol", json::value("TCP")}}},
      {"PodSpec", "topologySpreadConstraints", {"topologyKey", "whenUnsatisfiable"}, {}},
  };
  return table;
}

using TypeField = std::pair<std::string_view, std::string_view>;

// Label selectors are +structType=atomic, Service selectors and node selectors
// +mapType=atomic: each is owned as a whole.
const std::set<TypeField>& atomic_objects() {
  static const std::set<TypeField> table = {
      {"DeploymentSpec", "selector"}, {"WorkloadSpec", "selector"}, {"JobSpec", "selector"},
      {"ServiceSpec", "selector"},    {"PodSpec", "nodeSelector"},
  };
  return table;
}

// Non-pointer structs and non-omitempty lists: Go's empty object already has them.
const std::set<TypeField>& always_present() {
  static const std::set<TypeField> table = {
      {"DeploymentSpec", "template"}, {"DeploymentSpec", "strategy"},  {"WorkloadSpec", "template"},
      {"WorkloadSpec", "updateStrategy"}, {"JobSpec", "template"},     {"CronJobSpec", "jobTemplate"},
      {"JobTemplateSpec", "metadata"}, {"JobTemplateSpec", "spec"},    {"PodTemplateSpec", "metadata"},
      {"PodTemplateSpec", "spec"},     {"PodSpec", "containers"},      {"Container", "resources"},
  };
  return table;
}

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

}  // namespace

std::string Shape::root_type() const { return schema_ ? schema_->root_type() : std::string(); }

FieldShape Shape::field(std::string_view type, std::string_view field, bool at_root) const {
  FieldShape out;
  if (at_root && (field == "metadata" || field == "spec" || field == "status")) out.always_present = true;
  if (at_root && field == "metadata") out.type = "ObjectMeta";
  const apimachinery::FieldPatchMeta* meta = schema_ ? schema_->lookup(type, field) : nullptr;
  if (meta) {
    out.type = meta->type;
    if (meta->strategy == apimachinery::PatchStrategy::kMerge) {
      out.list = meta->merge_key.empty() ? ListType::set : ListType::map;
      if (!meta->merge_key.empty()) out.keys = {meta->merge_key};
    }
  }
  for (const auto& o : list_key_overrides()) {
    if (o.type == type && o.field == field) {
      out.list = ListType::map;
      out.keys = o.keys;
      out.key_defaults = o.defaults;
    }
  }
  std::sort(out.keys.begin(), out.keys.end());
  TypeField tf{type, field};
  if (atomic_objects().count(tf)) out.atomic_object = true;
  if (always_present().count(tf)) out.always_present = true;
  return out;
}

std::optional<PathElement> list_item_element(const FieldShape& shape, const json::value& item) {
  if (shape.list == ListType::set) {
    if (!is_scalar(item)) return std::nullopt;
    return "v:" + json::serialize(item);
  }
  if (shape.list != ListType::map || !item.is_object()) return std::nullopt;
  json::object key;
  for (const auto& name : shape.keys) {
    if (const auto* v = item.get_object().if_contains(name); v && !v->is_null()) {
      if (!is_scalar(*v)) return std::nullopt;
      key[name] = *v;
      continue;
    }
    auto d = std::find_if(shape.key_defaults.begin(), shape.key_defaults.end(),
                          [&](const auto& kv) { return kv.first == name; });
    if (d == shape.key_defaults.end()) return std::nullopt;
    key[name] = d->second;
  }
  return "k:" + json::serialize(key);
}

bool items_are_named(const FieldShape& shape, const json::array& list) {
  if (shape.list == ListType::atomic) return false;
  std::set<PathElement> seen;
  for (const auto& item : list) {
    auto e = list_item_element(shape, item);
    if (!e || !seen.insert(*e).second) return false;
  }
  return true;
}

}  // namespace kscratch::apiserver::fieldmanager
