#include "shape.h"

#include <boost/json/serializer.hpp>

#include <algorithm>

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

// Fields owned as a whole, and fields Go's empty object already has. A flat table: it is
// searched for every field walked, and comparing lengths first rules out nearly every row.
struct Marked {
  std::string_view type, field;
  // Label selectors are +structType=atomic, Service selectors and node selectors
  // +mapType=atomic: each is owned as a whole.
  bool atomic_object;
  // Non-pointer structs and non-omitempty lists: Go's empty object already has them.
  bool always_present;
};

constexpr Marked kMarked[] = {
    {"DeploymentSpec", "selector", true, false},      {"WorkloadSpec", "selector", true, false},
    {"JobSpec", "selector", true, false},             {"ServiceSpec", "selector", true, false},
    {"PodSpec", "nodeSelector", true, false},         {"DeploymentSpec", "template", false, true},
    {"DeploymentSpec", "strategy", false, true},      {"WorkloadSpec", "template", false, true},
    {"WorkloadSpec", "updateStrategy", false, true},  {"JobSpec", "template", false, true},
    {"CronJobSpec", "jobTemplate", false, true},      {"JobTemplateSpec", "metadata", false, true},
    {"JobTemplateSpec", "spec", false, true},         {"PodTemplateSpec", "metadata", false, true},
    {"PodTemplateSpec", "spec", false, true},         {"PodSpec", "containers", false, true},
    {"Container", "resources", false, true},
};

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

// Whether no two names are equal. Lists are mostly short: comparing each pair of a short
// one beats sorting (or a set of copies).
bool distinct(const std::vector<PathElement>& names) {
  if (names.size() <= 8) {
    for (std::size_t i = 1; i < names.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (names[i] == names[j]) return false;
      }
    }
    return true;
  }
  std::vector<std::string_view> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

// Appends what `sr` prints: what json::serialize returns, without a string of its own.
void append_serialized(std::string& out, json::serializer& sr) {
  char buf[128];
  do {
    auto sv = sr.read(buf, sizeof buf);
    out.append(sv.data(), sv.size());
  } while (!sr.done());
}

}  // namespace

std::string_view Shape::root_type() const { return schema_ ? std::string_view(schema_->root_type()) : ""; }

FieldShape Shape::field(std::string_view type, std::string_view field, bool at_root) const {
  FieldShape out;
  if (at_root && (field == "metadata" || field == "spec" || field == "status")) out.always_present = true;
  if (at_root && field == "metadata") out.type = "ObjectMeta";
  // "" is a value of unknown type (FieldPatchMeta::type), whose fields nothing describes;
  // most fields walked are such (labels, annotations, data), so they skip the lookups.
  if (type.empty()) return out;
  const apimachinery::FieldPatchMeta* meta = schema_ ? schema_->lookup(type, field) : nullptr;
  if (meta) {
    out.type = meta->type;
    if (meta->strategy == apimachinery::PatchStrategy::kMerge) {
      out.list = meta->merge_key.empty() ? ListType::set : ListType::map;
      if (!meta->merge_key.empty()) out.keys = {meta->merge_key};
    }
  }
  for (const auto& o : list_key_overrides()) {
    if (o.field == field && o.type == type) {
      out.list = ListType::map;
      out.keys = o.keys;
      out.key_defaults = o.defaults;
    }
  }
  std::sort(out.keys.begin(), out.keys.end());
  for (const auto& m : kMarked) {
    if (m.field != field || m.type != type) continue;
    out.atomic_object = out.atomic_object || m.atomic_object;
    out.always_present = out.always_present || m.always_present;
  }
  return out;
}

std::optional<PathElement> list_item_element(const FieldShape& shape, const json::value& item) {
  // Items are named for every list walked: the name is printed straight into its string,
  // as json::serialize prints the value (or an object of the key fields, keys sorted).
  json::serializer sr;
  if (shape.list == ListType::set) {
    if (!is_scalar(item)) return std::nullopt;
    std::string out = "v:";
    sr.reset(&item);
    append_serialized(out, sr);
    return out;
  }
  if (shape.list != ListType::map || !item.is_object()) return std::nullopt;
  std::string out = "k:{";
  for (const auto& name : shape.keys) {
    const json::value* v = item.get_object().if_contains(name);
    if (v && v->is_null()) v = nullptr;
    if (v && !is_scalar(*v)) return std::nullopt;
    if (!v) {
      auto d = std::find_if(shape.key_defaults.begin(), shape.key_defaults.end(),
                            [&](const auto& kv) { return kv.first == name; });
      if (d == shape.key_defaults.end()) return std::nullopt;
      v = &d->second;
    }
    if (out.size() > 3) out += ',';
    sr.reset(json::string_view(name));
    append_serialized(out, sr);
    out += ':';
    sr.reset(v);
    append_serialized(out, sr);
  }
  out += '}';
  return out;
}

bool items_are_named(const FieldShape& shape, const json::array& list) {
  std::vector<PathElement> names;
  return name_items(shape, list, names);
}

bool name_items(const FieldShape& shape, const json::array& list, std::vector<PathElement>& names) {
  names.clear();
  if (shape.list == ListType::atomic) return false;
  names.reserve(list.size());
  for (const auto& item : list) {
    auto e = list_item_element(shape, item);
    if (!e) return false;
    names.push_back(std::move(*e));
  }
  return distinct(names);
}

}  // namespace kscratch::apiserver::fieldmanager
