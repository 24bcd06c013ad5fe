// Pod validation: ValidatePodCreate, ValidatePodUpdate and ValidatePodStatusUpdate. Pod
// defaulting lives in pod_defaults.cc with the template defaults it shares.

#include <set>

#include <boost/json/serialize.hpp>

#include "kinds.h"
#include "object_meta.h"
#include "pod_spec.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

constexpr std::string_view kMirrorPodAnnotation = "kubernetes.io/config.mirror";
const MetaRules kPodMeta{true, NameRule::kDNS1123Subdomain, true};

const json::object& spec_of(const json::object& obj) {
  static const json::object kEmpty;
  const json::object* spec = find_object(obj, "spec");
  return spec != nullptr ? *spec : kEmpty;
}

const json::object& annotations_of(const json::object& obj) {
  static const json::object kEmpty;
  const json::object* a = find_object(metadata_of(obj), "annotations");
  return a != nullptr ? *a : kEmpty;
}

bool has_whitespace_edge(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  return !s.empty() && (space(s.front()) || space(s.back()));
}

// validatePodMetadataAndSpec.
void validate_metadata_and_spec(Reader& r, const json::object& pod) {
  validate_object_meta(r, pod, kPodMeta);
  FieldPath spec_path("spec");
  const json::object* spec = r.object(pod, "spec", spec_path);
  static const json::object kEmpty;
  if (spec == nullptr) spec = &kEmpty;
  const json::object& annotations = annotations_of(pod);
  if (const json::value* mirror = annotations.if_contains(kMirrorPodAnnotation)) {
    if (string_or(*spec, "nodeName").empty()) {
      r.add(invalid(FieldPath("metadata").child("annotations").key(kMirrorPodAnnotation), *mirror,
                    "must set spec.nodeName if mirror pod annotation is set"));
    }
  }
  validate_pod_spec(r, *spec, spec_path, PodSpecOptions{true});
  if (string_or(*spec, "serviceAccountName").empty()) {
    if (const json::array* volumes = find_array(*spec, "volumes")) {
      for (size_t vi = 0; vi < volumes->size(); ++vi) {
        const json::object* projected =
            (*volumes)[vi].is_object() ? find_object((*volumes)[vi].get_object(), "projected") : nullptr;
        const json::array* sources = projected != nullptr ? find_array(*projected, "sources") : nullptr;
        if (sources == nullptr) continue;
        for (size_t si = 0; si < sources->size(); ++si) {
          if ((*sources)[si].is_object() && has((*sources)[si].get_object(), "serviceAccountToken")) {
            r.add(forbidden(spec_path.child("volumes").index(vi).child("projected").child("sources").index(si)
                                .child("serviceAccountToken"),
                            "must not be specified when serviceAccountName is not set"));
          }
        }
      }
    }
  }
  for (std::string_view list : {"containers", "initContainers"}) {
    const json::array* containers = find_array(*spec, list);
    if (containers == nullptr) continue;
    for (size_t i = 0; i < containers->size(); ++i) {
      if (!(*containers)[i].is_object()) continue;
      std::string image = string_or((*containers)[i].get_object(), "image");
      if (has_whitespace_edge(image)) {
        r.add(invalid(spec_path.child(list).index(i).child("image"), image,
                      "must not have leading or trailing whitespace"));
      }
    }
  }
}

void validate_ip_list(Reader& r, const json::object& status, std::string_view key) {
  FieldPath path = FieldPath("status").child(key);
  const json::array* ips = r.array(status, key, path);
  if (ips == nullptr) return;
  std::set<std::string> seen;
  for (size_t i = 0; i < ips->size(); ++i) {
    const json::object* entry = r.element_object((*ips)[i], path.index(i));
    if (entry == nullptr) continue;
    std::string ip = string_or(*entry, "ip");
    validate_ip(r.errors(), ip, path.index(i));
    if (ips->size() > 1 && seen.count(ip)) r.add(duplicate(path.index(i), *entry));
    seen.insert(ip);
  }
}

// ValidatePodSpecificAnnotationUpdates: the mirror pod annotation cannot change.
void validate_annotation_updates(Reader& r, const json::object& pod, const json::object& old) {
  FieldPath path = FieldPath("metadata").child("annotations");
  const json::object& now = annotations_of(pod);
  const json::object& before = annotations_of(old);
  const json::value* old_mirror = before.if_contains(kMirrorPodAnnotation);
  const json::value* new_mirror = now.if_contains(kMirrorPodAnnotation);
  if (old_mirror != nullptr && (new_mirror == nullptr || *new_mirror != *old_mirror)) {
    r.add(forbidden(path.key(kMirrorPodAnnotation), "may not remove or update mirror pod annotation"));
  }
  if (old_mirror == nullptr && new_mirror != nullptr) {
    r.add(forbidden(path.key(kMirrorPodAnnotation), "may not add mirror pod annotation"));
  }
}

// A short description of what differs between two specs, in place of upstream's cmp.Diff
// output (which only humans read).
void describe_diff(const json::value& before, const json::value& after, const std::string& path, std::string& out) {
  if (before == after) return;
  if (before.is_object() && after.is_object()) {
    std::set<std::string> keys;
    for (const auto& kv : before.get_object()) keys.insert(std::string(kv.key()));
    for (const auto& kv : after.get_object()) keys.insert(std::string(kv.key()));
    for (const std::string& k : keys) {
      const json::value* b = before.get_object().if_contains(k);
      const json::value* a = after.get_object().if_contains(k);
      static const json::value kNull;
      describe_diff(b ? *b : kNull, a ? *a : kNull, path + "." + k, out);
    }
    return;
  }
  if (before.is_array() && after.is_array() && before.get_array().size() == after.get_array().size()) {
    for (size_t i = 0; i < before.get_array().size(); ++i) {
      describe_diff(before.get_array()[i], after.get_array()[i], path + "[" + std::to_string(i) + "]", out);
    }
    return;
  }
  out += "  - " + path + ": " + json::serialize(before) + "\n  + " + path + ": " + json::serialize(after) + "\n";
}

void validate_spec_update(Reader& r, const json::object& pod, const json::object& old) {
  FieldPath spec_path("spec");
  const json::object& spec = spec_of(pod);
  const json::object& old_spec = spec_of(old);
  for (std::string_view list : {"containers", "initContainers"}) {
    const json::array* now = find_array(spec, list);
    const json::array* before = find_array(old_spec, list);
    size_t n = now != nullptr ? now->size() : 0;
    if (n != (before != nullptr ? before->size() : 0)) {
      r.add(forbidden(spec_path.child(list), "pod updates may not add or remove containers"));
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      if ((*now)[i].is_object() && string_or((*now)[i].get_object(), "image").empty()) {
        r.add(required(spec_path.child(list).index(i).child("image")));
      }
    }
  }
  std::optional<int64_t> deadline = find_int(spec, "activeDeadlineSeconds");
  std::optional<int64_t> old_deadline = find_int(old_spec, "activeDeadlineSeconds");
  FieldPath deadline_path = spec_path.child("activeDeadlineSeconds");
  if (deadline) {
    if (*deadline < 0 || *deadline > kInt32Max) {
      r.add(invalid(deadline_path, *deadline, "must be between 0 and 2147483647, inclusive"));
      return;
    }
    if (old_deadline && *old_deadline < *deadline) {
      r.add(invalid(deadline_path, *deadline, "must be less than or equal to previous value"));
      return;
    }
  } else if (old_deadline) {
    r.add(invalid(deadline_path, nullptr, "must not update from a positive integer to nil value"));
  }
  // Tolerations may only be added to (tolerationSeconds may change).
  const json::array* tolerations = find_array(spec, "tolerations");
  if (const json::array* old_tolerations = find_array(old_spec, "tolerations")) {
    for (const json::value& t : *old_tolerations) {
      bool found = false;
      for (size_t i = 0; tolerations != nullptr && i < tolerations->size() && !found; ++i) {
        json::value a = t;
        json::value b = (*tolerations)[i];
        if (a.is_object()) a.get_object().erase("tolerationSeconds");
        if (b.is_object()) b.get_object().erase("tolerationSeconds");
        found = a == b;
      }
      if (!found) {
        r.add(forbidden(spec_path.child("tolerations"), "existing toleration can not be modified except its tolerationSeconds"));
        break;
      }
    }
  }
  // Everything else in the spec is immutable: compare with the mutable fields taken from old.
  json::value munged = spec;
  json::object& m = munged.get_object();
  for (std::string_view list : {"containers", "initContainers"}) {
    json::array* now = find_array(m, list);
    const json::array* before = find_array(old_spec, list);
    if (now == nullptr || before == nullptr) continue;
    for (size_t i = 0; i < now->size() && i < before->size(); ++i) {
      if ((*now)[i].is_object() && (*before)[i].is_object()) {
        const json::value* image = (*before)[i].get_object().if_contains("image");
        if (image != nullptr) {
          (*now)[i].get_object()["image"] = *image;
        } else {
          (*now)[i].get_object().erase("image");
        }
      }
    }
  }
  for (std::string_view key : {"activeDeadlineSeconds", "schedulingGates", "tolerations"}) {
    if (const json::value* v = old_spec.if_contains(key)) {
      m[key] = *v;
    } else {
      m.erase(key);
    }
  }
  std::optional<int64_t> old_grace = find_int(old_spec, "terminationGracePeriodSeconds");
  if (old_grace && *old_grace < 0 && find_int(m, "terminationGracePeriodSeconds") == 1) {
    m["terminationGracePeriodSeconds"] = *old_grace;
  }
  if (munged != json::value(old_spec)) {
    std::string diff;
    describe_diff(old_spec, munged, "spec", diff);
    r.add(forbidden(spec_path,
                    "pod updates may not change fields other than `spec.containers[*].image`,"
                    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
                    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to "
                    "1 if it was previously negative)\n" + diff));
  }
}

bool terminated(const json::object& status) {
  const json::object* state = find_object(status, "state");
  return state != nullptr && has(*state, "terminated");
}

int64_t exit_code(const json::object& status) {
  const json::object* state = find_object(status, "state");
  const json::object* t = state != nullptr ? find_object(*state, "terminated") : nullptr;
  return t != nullptr ? find_int(*t, "exitCode").value_or(0) : 0;
}

// ValidateContainerStateTransition: containers that may not restart stay terminated.
void validate_state_transitions(Reader& r, const json::object& status, const json::object& old_status,
                                std::string_view key, const std::string& restart_policy) {
  if (restart_policy == "Always") return;
  const json::array* now = find_array(status, key);
  const json::array* before = find_array(old_status, key);
  if (now == nullptr || before == nullptr) return;
  for (size_t i = 0; i < before->size(); ++i) {
    if (!(*before)[i].is_object() || !terminated((*before)[i].get_object())) continue;
    if (exit_code((*before)[i].get_object()) != 0 && restart_policy == "OnFailure") continue;
    std::string name = string_or((*before)[i].get_object(), "name");
    for (const json::value& s : *now) {
      if (s.is_object() && string_or(s.get_object(), "name") == name && !terminated(s.get_object())) {
        r.add(forbidden(FieldPath("status").child(key).index(i).child("state"),
                        "may not be transitioned to non-terminated state"));
      }
    }
  }
}

}  // namespace

FieldErrors validate_pod(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old == nullptr) {
    validate_metadata_and_spec(r, obj);
    const json::object& spec = spec_of(obj);
    const json::array* ephemeral = find_array(spec, "ephemeralContainers");
    if (ephemeral != nullptr && !ephemeral->empty()) {
      r.add(forbidden(FieldPath("spec").child("ephemeralContainers"), "cannot be set on create"));
    }
    const json::array* gates = find_array(spec, "schedulingGates");
    if (!string_or(spec, "nodeName").empty() && gates != nullptr && !gates->empty()) {
      r.add(forbidden(FieldPath("spec").child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
    }
    if (const json::object* status = find_object(obj, "status")) {
      validate_ip_list(r, *status, "podIPs");
      validate_ip_list(r, *status, "hostIPs");
    }
  } else {
    validate_object_meta_update(r, obj, *old, kPodMeta);
    validate_metadata_and_spec(r, obj);
    validate_annotation_updates(r, obj, *old);
    validate_spec_update(r, obj, *old);
  }
  dedupe(errs);
  return errs;
}

FieldErrors validate_pod_status_update(const json::object& obj, const json::object& old) {
  FieldErrors errs;
  Reader r(errs);
  validate_object_meta_update(r, obj, old, kPodMeta);
  validate_annotation_updates(r, obj, old);
  static const json::object kEmpty;
  const json::object* status = r.object(obj, "status", FieldPath("status"));
  if (status == nullptr) status = &kEmpty;
  const json::object* old_status = find_object(old, "status");
  if (old_status == nullptr) old_status = &kEmpty;
  // Upstream passes metadata's path here, hence metadata.conditions[i].Type.
  if (const json::array* conditions = r.array(*status, "conditions", FieldPath("status").child("conditions"))) {
    for (size_t i = 0; i < conditions->size(); ++i) {
      if (!(*conditions)[i].is_object()) continue;
      std::string type = string_or((*conditions)[i].get_object(), "type");
      if (type == "PodScheduled" || type == "Ready" || type == "Initialized") continue;
      validate_qualified_name(errs, type, FieldPath("metadata").child("conditions").index(i).child("Type"));
    }
  }
  FieldPath status_path("status");
  if (string_or(spec_of(obj), "nodeName") != string_or(spec_of(old), "nodeName")) {
    r.add(forbidden(status_path.child("nodeName"), "may not be changed directly"));
  }
  std::string nominated = string_or(*status, "nominatedNodeName");
  if (!nominated.empty() && nominated != string_or(*old_status, "nominatedNodeName")) {
    add_invalid(errs, status_path.child("nominatedNodeName"), json::value(nominated),
                name_messages(NameRule::kDNS1123Subdomain, nominated, false));
  }
  std::string qos = string_or(*status, "qosClass");
  if (qos != string_or(*old_status, "qosClass")) r.add(invalid(status_path.child("qosClass"), qos, std::string(kImmutable)));
  std::string restart = string_or(spec_of(old), "restartPolicy");
  validate_state_transitions(r, *status, *old_status, "containerStatuses", restart);
  validate_state_transitions(r, *status, *old_status, "initContainerStatuses", restart);
  validate_state_transitions(r, *status, *old_status, "ephemeralContainerStatuses", "Never");
  validate_ip_list(r, *status, "podIPs");
  validate_ip_list(r, *status, "hostIPs");
  if (const json::array* host_ips = find_array(*status, "hostIPs")) {
    if (!host_ips->empty() && (*host_ips)[0].is_object()) {
      std::string first = string_or((*host_ips)[0].get_object(), "ip");
      if (first != string_or(*status, "hostIP")) {
        r.add(invalid(status_path.child("hostIPs").index(0).child("ip"), first, "must be equal to `hostIP`"));
      }
    }
  }
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
