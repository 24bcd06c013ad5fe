// ObjectMeta validation; see object_meta.h.

#include "object_meta.h"

#include <algorithm>
#include <set>

#include "go_format.h"
#include "kscratch/apimachinery/validation.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

constexpr int64_t kTotalAnnotationSizeLimit = 256 * (1 << 10);
constexpr size_t kFieldManagerMaxLength = 128;

// Upstream's maskTrailingDash: generateName may end in '-', so it is checked as if the last
// two characters were an 'a'.
std::string mask_trailing_dash(std::string_view name) {
  if (name.size() > 1 && name.back() == '-') return std::string(name.substr(0, name.size() - 2)) + "a";
  return std::string(name);
}

bool is_standard_finalizer(std::string_view f) {
  return f == "kubernetes" || f == "orphan" || f == "foregroundDeletion";
}

void validate_kube_finalizer_name(FieldErrors& errs, std::string_view f, const FieldPath& path) {
  if (f.find('/') == std::string_view::npos && !is_standard_finalizer(f)) {
    errs.push_back(invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
  }
}

void validate_finalizers(Reader& r, const std::vector<std::string>& finalizers, const FieldPath& path) {
  bool orphan = false;
  bool foreground = false;
  for (const std::string& f : finalizers) {
    add_invalid(r.errors(), path, json::value(f), v::is_qualified_name(f));
    orphan = orphan || f == "orphan";
    foreground = foreground || f == "foregroundDeletion";
  }
  if (orphan && foreground) {
    json::array list;
    for (const std::string& f : finalizers) list.emplace_back(f);
    r.add(invalid(path, list, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
}

// The "group/version" of an apiVersion, as schema.ParseGroupVersion reads it.
std::string version_of(std::string_view api_version) {
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return std::string(api_version);
  if (api_version.find('/', slash + 1) != std::string_view::npos) return "";  // Unparsable.
  return std::string(api_version.substr(slash + 1));
}

std::string go_owner_reference(const json::object& ref) {
  auto ptr_bool = [&](std::string_view key) {
    const json::value* b = ref.if_contains(key);
    if (b == nullptr || !b->is_bool()) return std::string("(*bool)(nil)");
    return std::string("(*bool)(0xc000000000)");  // Go prints the pointer's address.
  };
  return "v1.OwnerReference{APIVersion:" + go_quote(string_or(ref, "apiVersion")) +
         ", Kind:" + go_quote(string_or(ref, "kind")) + ", Name:" + go_quote(string_or(ref, "name")) +
         ", UID:" + go_quote(string_or(ref, "uid")) + ", Controller:" + ptr_bool("controller") +
         ", BlockOwnerDeletion:" + ptr_bool("blockOwnerDeletion") + "}";
}

void validate_owner_references(Reader& r, const json::object& meta, const FieldPath& path) {
  const json::array* refs = r.array(meta, "ownerReferences", path);
  if (refs == nullptr) return;
  std::string first_controller;
  for (size_t i = 0; i < refs->size(); ++i) {
    const json::object* ref = r.element_object((*refs)[i], path.index(i));
    if (ref == nullptr) continue;
    FieldPath ip = path.index(i);
    std::string api_version = r.string(*ref, "apiVersion", ip.child("apiVersion")).value_or("");
    std::string kind = r.string(*ref, "kind", ip.child("kind")).value_or("");
    std::string name = r.string(*ref, "name", ip.child("name")).value_or("");
    std::string uid = r.string(*ref, "uid", ip.child("uid")).value_or("");
    bool controller = r.boolean(*ref, "controller", ip.child("controller")).value_or(false);
    // Upstream reports these at ownerReferences.<field>, without the index.
    std::string version = version_of(api_version);
    if (version.empty()) r.add(invalid(path.child("apiVersion"), api_version, "version must not be empty"));
    if (kind.empty()) r.add(invalid(path.child("kind"), kind, "must not be empty"));
    if (name.empty()) r.add(invalid(path.child("name"), name, "must not be empty"));
    if (uid.empty()) r.add(invalid(path.child("uid"), uid, "must not be empty"));
    std::string group = api_version.find('/') == std::string::npos ? "" : api_version.substr(0, api_version.find('/'));
    if (group.empty() && version == "v1" && kind == "Event") {
      r.add(invalid(path, go_value(go_owner_reference(*ref)), "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (controller) {
      std::string current = kind + "/" + name;
      if (!first_controller.empty()) {
        r.add(invalid(path, go_value("[]v1.OwnerReference{...}"),
                      "Only one reference can have Controller set to true. Found \"true\" in references for " +
                          first_controller + " and " + current));
      } else {
        first_controller = current;
      }
    }
  }
}

void validate_managed_fields(Reader& r, const json::object& meta, const FieldPath& path) {
  const json::array* entries = r.array(meta, "managedFields", path);
  if (entries == nullptr) return;
  for (size_t i = 0; i < entries->size(); ++i) {
    FieldPath ip = path.index(i);
    const json::object* e = r.element_object((*entries)[i], ip);
    if (e == nullptr) continue;
    std::string op = r.string(*e, "operation", ip.child("operation")).value_or("");
    if (op != "Apply" && op != "Update") r.add(invalid(ip.child("operation"), op, "must be `Apply` or `Update`"));
    std::string type = r.string(*e, "fieldsType", ip.child("fieldsType")).value_or("");
    if (!type.empty() && type != "FieldsV1") r.add(invalid(ip.child("fieldsType"), type, "must be `FieldsV1`"));
    std::string manager = r.string(*e, "manager", ip.child("manager")).value_or("");
    if (manager.size() > kFieldManagerMaxLength) {
      r.add(too_long(ip.child("manager"), static_cast<int64_t>(kFieldManagerMaxLength)));
    }
  }
}

// The checks ValidateObjectMeta and ValidateObjectMetaUpdate share.
void validate_meta_common(Reader& r, const json::object& meta, const MetaRules& rules) {
  FieldPath path("metadata");
  if (std::optional<StringMap> labels = r.string_map(meta, "labels", path.child("labels"))) {
    validate_labels(r.errors(), *labels, path.child("labels"));
  }
  if (std::optional<StringMap> annotations = r.string_map(meta, "annotations", path.child("annotations"))) {
    validate_annotations(r.errors(), *annotations, path.child("annotations"));
  }
  validate_owner_references(r, meta, path.child("ownerReferences"));
  std::vector<std::string> finalizers =
      r.string_list(meta, "finalizers", path.child("finalizers")).value_or(std::vector<std::string>{});
  validate_finalizers(r, finalizers, path.child("finalizers"));
  validate_managed_fields(r, meta, path.child("managedFields"));
  if (rules.kube_finalizers) {
    for (size_t i = 0; i < finalizers.size(); ++i) {
      validate_kube_finalizer_name(r.errors(), finalizers[i], path.child("finalizers").index(i));
    }
  }
}

const json::object& checked_metadata(Reader& r, const json::object& obj) {
  static const json::object kEmpty;
  const json::object* meta = r.object(obj, "metadata", FieldPath("metadata"));
  return meta != nullptr ? *meta : kEmpty;
}

}  // namespace

std::vector<std::string> name_messages(NameRule rule, std::string_view name, bool prefix) {
  std::string checked = prefix ? mask_trailing_dash(name) : std::string(name);
  switch (rule) {
    case NameRule::kDNS1123Subdomain: return v::is_dns1123_subdomain(checked);
    case NameRule::kDNS1123Label: return v::is_dns1123_label(checked);
    case NameRule::kDNS1035Label: return v::is_dns1035_label(checked);
  }
  return {};
}

const json::object& metadata_of(const json::object& obj) {
  static const json::object kEmpty;
  const json::object* meta = find_object(obj, "metadata");
  return meta != nullptr ? *meta : kEmpty;
}

void validate_object_meta(Reader& r, const json::object& obj, const MetaRules& rules) {
  FieldPath path("metadata");
  const json::object& meta = checked_metadata(r, obj);
  std::string generate_name = r.string(meta, "generateName", path.child("generateName")).value_or("");
  std::string name = r.string(meta, "name", path.child("name")).value_or("");
  std::string ns = r.string(meta, "namespace", path.child("namespace")).value_or("");
  if (!generate_name.empty()) {
    add_invalid(r.errors(), path.child("generateName"), json::value(generate_name),
                name_messages(rules.name, generate_name, true));
  }
  if (name.empty()) {
    r.add(required(path.child("name"), "name or generateName is required"));
  } else {
    add_invalid(r.errors(), path.child("name"), json::value(name), name_messages(rules.name, name, false));
  }
  if (rules.namespaced) {
    if (ns.empty()) {
      r.add(required(path.child("namespace")));
    } else {
      add_invalid(r.errors(), path.child("namespace"), json::value(ns), v::is_dns1123_label(ns));
    }
  } else if (!ns.empty()) {
    r.add(forbidden(path.child("namespace"), "not allowed on this type"));
  }
  if (std::optional<int64_t> generation = r.int64(meta, "generation", path.child("generation"))) {
    validate_nonnegative(r.errors(), *generation, path.child("generation"));
  }
  validate_meta_common(r, meta, rules);
}

void validate_object_meta_update(Reader& r, const json::object& obj, const json::object& old, const MetaRules& rules) {
  FieldPath path("metadata");
  const json::object& meta = checked_metadata(r, obj);
  const json::object& old_meta = metadata_of(old);

  if (has(old_meta, "deletionTimestamp")) {
    std::set<std::string> old_finalizers;
    if (const json::array* a = find_array(old_meta, "finalizers")) {
      for (const json::value& f : *a) {
        if (f.is_string()) old_finalizers.insert(std::string(f.get_string()));
      }
    }
    std::set<std::string> extra;
    if (const json::array* a = find_array(meta, "finalizers")) {
      for (const json::value& f : *a) {
        if (f.is_string() && !old_finalizers.count(std::string(f.get_string()))) extra.insert(std::string(f.get_string()));
      }
    }
    if (!extra.empty()) {
      json::value list = json::array();
      for (const std::string& f : extra) list.get_array().emplace_back(f);
      r.add(forbidden(path.child("finalizers"),
                      "no new finalizers can be added if the object is being deleted, found new finalizers " +
                          go_string_slice(&list)));
    }
  }

  // The generic update handler copies generation, uid and the timestamps from the stored
  // object when the request omits them (upstream's rest.BeforeUpdate), so only values the
  // request does carry are compared.
  if (std::optional<int64_t> generation = find_int(meta, "generation")) {
    if (*generation < find_int(old_meta, "generation").value_or(0)) {
      r.add(invalid(path.child("generation"), *generation, "must not be decremented"));
    }
  }
  auto immutable_string = [&](std::string_view key, bool compare_when_absent) {
    if (!compare_when_absent && !has(meta, key)) return;
    std::string now = string_or(meta, key);
    if (now != string_or(old_meta, key)) r.add(invalid(path.child(key), now, std::string(kImmutable)));
  };
  immutable_string("name", true);
  immutable_string("namespace", true);
  immutable_string("uid", false);
  for (std::string_view key : {"creationTimestamp", "deletionTimestamp"}) {
    if (!has(meta, key)) continue;
    std::string now = string_or(meta, key);
    if (now != string_or(old_meta, key)) r.add(invalid(path.child(key), go_value(go_time(now)), std::string(kImmutable)));
  }
  if (has(meta, "deletionGracePeriodSeconds")) {
    std::optional<int64_t> now = find_int(meta, "deletionGracePeriodSeconds");
    if (now != find_int(old_meta, "deletionGracePeriodSeconds")) {
      r.add(invalid(path.child("deletionGracePeriodSeconds"), now ? json::value(*now) : json::value(nullptr),
                    std::string(kImmutable)));
    }
  }
  validate_meta_common(r, meta, rules);
}

void validate_labels(FieldErrors& errs, const StringMap& labels, const FieldPath& path) {
  for (const auto& [k, value] : labels) {
    validate_label_name(errs, k, path);
    add_invalid(errs, path, json::value(value), v::is_valid_label_value(value));
  }
}

void validate_label_name(FieldErrors& errs, std::string_view key, const FieldPath& path) {
  add_invalid(errs, path, json::value(key), v::is_qualified_name(key));
}

void validate_annotations(FieldErrors& errs, const StringMap& annotations, const FieldPath& path) {
  int64_t total = 0;
  for (const auto& [k, value] : annotations) {
    // Annotation keys are qualified names except that case does not matter.
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    add_invalid(errs, path, json::value(k), v::is_qualified_name(lower));
    total += static_cast<int64_t>(k.size() + value.size());
  }
  if (total > kTotalAnnotationSizeLimit) errs.push_back(too_long(path, kTotalAnnotationSizeLimit));
}

void validate_label_selector(Reader& r, const json::object& selector, const FieldPath& path) {
  if (std::optional<StringMap> match = r.string_map(selector, "matchLabels", path.child("matchLabels"))) {
    validate_labels(r.errors(), *match, path.child("matchLabels"));
  }
  const json::array* exprs = r.array(selector, "matchExpressions", path.child("matchExpressions"));
  if (exprs == nullptr) return;
  for (size_t i = 0; i < exprs->size(); ++i) {
    FieldPath ip = path.child("matchExpressions").index(i);
    const json::object* e = r.element_object((*exprs)[i], ip);
    if (e == nullptr) continue;
    std::string key = r.string(*e, "key", ip.child("key")).value_or("");
    std::string op = r.string(*e, "operator", ip.child("operator")).value_or("");
    std::vector<std::string> values = r.string_list(*e, "values", ip.child("values")).value_or(std::vector<std::string>{});
    if (op == "In" || op == "NotIn") {
      if (values.empty()) r.add(required(ip.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (!values.empty()) {
        r.add(forbidden(ip.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else {
      r.add(invalid(ip.child("operator"), op, "not a valid selector operator"));
    }
    validate_label_name(r.errors(), key, ip.child("key"));
    // Strict selector validation (AllowInvalidLabelValueInSelector false) checks the values too.
    for (size_t j = 0; j < values.size(); ++j) {
      add_invalid(r.errors(), ip.child("values").index(j), json::value(values[j]), v::is_valid_label_value(values[j]));
    }
  }
}

void validate_qualified_name(FieldErrors& errs, std::string_view value, const FieldPath& path) {
  add_invalid(errs, path, json::value(value), v::is_qualified_name(value));
}

void validate_dns1123_label(FieldErrors& errs, std::string_view value, const FieldPath& path) {
  add_invalid(errs, path, json::value(value), v::is_dns1123_label(value));
}

void validate_dns1123_subdomain(FieldErrors& errs, std::string_view value, const FieldPath& path) {
  add_invalid(errs, path, json::value(value), v::is_dns1123_subdomain(value));
}

void validate_nonnegative(FieldErrors& errs, int64_t value, const FieldPath& path) {
  if (value < 0) errs.push_back(invalid(path, value, std::string(kNegative)));
}

}  // namespace kscratch::apiserver::kinds
