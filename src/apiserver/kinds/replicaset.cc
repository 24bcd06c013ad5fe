// ReplicaSets (apps/v1): SetDefaults_ReplicaSet, ValidateReplicaSet(Update) plus the immutable
// selector of the apps/v1 strategy, and ValidateReplicaSetStatusUpdate.

#include "kinds.h"
#include "object_meta.h"
#include "pod_defaults.h"
#include "workloads.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

const MetaRules kReplicaSetMeta{true, NameRule::kDNS1123Subdomain, true};

void validate_spec(Reader& r, const json::object& obj) {
  FieldPath path("spec");
  static const json::object kEmpty;
  const json::object* spec = r.object(obj, "spec", path);
  if (spec == nullptr) spec = &kEmpty;
  validate_nonnegative(r.errors(), r.integer(*spec, "replicas", path.child("replicas")).value_or(0), path.child("replicas"));
  validate_nonnegative(r.errors(), r.integer(*spec, "minReadySeconds", path.child("minReadySeconds")).value_or(0),
                       path.child("minReadySeconds"));
  validate_selector_and_template(r, *spec, path);
}

}  // namespace

void set_defaults_replicaset(json::object& obj) {
  json::object* spec = object_for_defaults(obj, "spec");
  if (spec == nullptr) return;
  default_value(*spec, "replicas", 1);
  if (json::object* tmpl = object_for_defaults(*spec, "template")) set_pod_template_defaults(*tmpl);
}

FieldErrors validate_replicaset(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old == nullptr) {
    validate_object_meta(r, obj, kReplicaSetMeta);
    validate_spec(r, obj);
  } else {
    validate_object_meta_update(r, obj, *old, kReplicaSetMeta);
    validate_spec(r, obj);
    validate_selector_unchanged(r, obj, *old);
  }
  dedupe(errs);
  return errs;
}

FieldErrors validate_replicaset_status_update(const json::object& obj, const json::object& old) {
  FieldErrors errs;
  Reader r(errs);
  validate_object_meta_update(r, obj, old, kReplicaSetMeta);
  FieldPath path("status");
  static const json::object kEmpty;
  const json::object* status = r.object(obj, "status", path);
  if (status == nullptr) status = &kEmpty;
  validate_nonnegative_fields(r, *status, path,
                              {"replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas",
                               "observedGeneration"});
  validate_counts_within_replicas(r, *status, path, {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"});
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
