// Deployment/ReplicaSet selector and template checks; see workloads.h.

#include "workloads.h"

#include "errors.h"
#include "go_format.h"
#include "kscratch/apimachinery/labels.h"
#include "object_meta.h"
#include "pod_spec.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

// A selector with nil and empty lists and maps made equal, as apiequality.Semantic sees it.
json::value normalized_selector(const json::value* selector) {
  if (selector == nullptr || !selector->is_object()) return nullptr;
  json::object out;
  const json::object& s = selector->get_object();
  const json::object* labels = find_object(s, "matchLabels");
  if (labels != nullptr && !labels->empty()) out["matchLabels"] = *labels;
  const json::array* exprs = find_array(s, "matchExpressions");
  if (exprs != nullptr && !exprs->empty()) {
    json::array list;
    for (const json::value& e : *exprs) {
      json::value copy = e;
      if (copy.is_object()) {
        const json::array* values = find_array(copy.get_object(), "values");
        if (values == nullptr || values->empty()) copy.get_object().erase("values");
      }
      list.push_back(copy);
    }
    out["matchExpressions"] = list;
  }
  return out;
}

}  // namespace

const json::object& spec_or_empty(const json::object& obj) {
  static const json::object kEmpty;
  const json::object* spec = find_object(obj, "spec");
  return spec != nullptr ? *spec : kEmpty;
}

void validate_selector_and_template(Reader& r, const json::object& spec, const FieldPath& spec_path) {
  FieldPath sel_path = spec_path.child("selector");
  const json::object* selector = r.object(spec, "selector", sel_path);
  if (selector == nullptr) {
    r.add(required(sel_path));
  } else {
    validate_label_selector(r, *selector, sel_path);
    const json::object* labels = find_object(*selector, "matchLabels");
    const json::array* exprs = find_array(*selector, "matchExpressions");
    if ((labels == nullptr || labels->empty()) && (exprs == nullptr || exprs->empty())) {
      r.add(invalid(sel_path, go_value(go_label_selector(*selector)), "empty selector is invalid for deployment"));
    }
  }
  // A missing selector selects nothing, so the template check below fails too, as upstream.
  json::value selector_value = selector != nullptr ? json::value(*selector) : json::value(nullptr);
  Expected<apimachinery::labels::Selector> parsed = apimachinery::labels::from_label_selector(selector_value);
  FieldPath tmpl_path = spec_path.child("template");
  if (!parsed) {
    r.add(invalid(sel_path, go_value(go_label_selector(selector_value)), "invalid label selector"));
    return;
  }
  static const json::object kEmpty;
  const json::object* tmpl = r.object(spec, "template", tmpl_path);
  if (tmpl == nullptr) tmpl = &kEmpty;
  const json::object* meta = find_object(*tmpl, "metadata");
  const json::value* labels = meta != nullptr ? meta->if_contains("labels") : nullptr;
  if (!parsed->empty()) {
    static const json::object kNoLabels;
    const json::object* label_obj = labels != nullptr && labels->is_object() ? &labels->get_object() : &kNoLabels;
    if (!parsed->matches(*label_obj)) {
      r.add(invalid(tmpl_path.child("metadata").child("labels"), go_value(go_string_map(labels)),
                    "`selector` does not match template `labels`"));
    }
  }
  validate_pod_template_spec(r, *tmpl, tmpl_path);
  const json::object* pod_spec = find_object(*tmpl, "spec");
  if (pod_spec == nullptr) pod_spec = &kEmpty;
  FieldPath pod_path = tmpl_path.child("spec");
  std::string restart = string_or(*pod_spec, "restartPolicy");
  if (restart != "Always") r.add(not_supported(pod_path.child("restartPolicy"), restart, {"Always"}));
  if (has(*pod_spec, "activeDeadlineSeconds")) {
    r.add(forbidden(pod_path.child("activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"));
  }
}

void validate_selector_unchanged(Reader& r, const json::object& obj, const json::object& old) {
  const json::value* now = spec_or_empty(obj).if_contains("selector");
  const json::value* before = spec_or_empty(old).if_contains("selector");
  if (normalized_selector(now) != normalized_selector(before)) {
    json::value shown = now != nullptr ? *now : json::value(nullptr);
    r.add(invalid(FieldPath("spec").child("selector"),
                  now != nullptr && now->is_object() ? go_value(go_label_selector(shown)) : json::value(nullptr),
                  std::string(kImmutable)));
  }
}

void validate_nonnegative_fields(Reader& r, const json::object& parent, const FieldPath& path,
                                 std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (std::optional<int64_t> n = r.int64(parent, key, path.child(key))) validate_nonnegative(r.errors(), *n, path.child(key));
  }
}

void validate_counts_within_replicas(Reader& r, const json::object& status, const FieldPath& path,
                                     std::initializer_list<std::string_view> counts) {
  int64_t replicas = find_int(status, "replicas").value_or(0);
  for (std::string_view key : counts) {
    int64_t n = find_int(status, key).value_or(0);
    if (n > replicas) r.add(invalid(path.child(key), n, "cannot be greater than status.replicas"));
  }
  int64_t ready = find_int(status, "readyReplicas").value_or(0);
  int64_t available = find_int(status, "availableReplicas").value_or(0);
  if (available > ready) r.add(invalid(path.child("availableReplicas"), available, "cannot be greater than readyReplicas"));
}

}  // namespace kscratch::apiserver::kinds
