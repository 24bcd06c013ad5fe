// Deployments (apps/v1): SetDefaults_Deployment, ValidateDeployment(Update) plus the
// immutable selector of the apps/v1 strategy, and ValidateDeploymentStatusUpdate.

#include "go_format.h"
#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"
#include "pod_defaults.h"
#include "workloads.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kDeploymentMeta{true, NameRule::kDNS1123Subdomain, true};

// IsValidPercent.
std::vector<std::string> percent_messages(std::string_view s) {
  bool ok = s.size() >= 2 && s.back() == '%';
  for (size_t i = 0; ok && i + 1 < s.size(); ++i) ok = s[i] >= '0' && s[i] <= '9';
  if (ok) return {};
  return {v::regex_error("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%",
                         {"1%", "93%"})};
}

// getIntOrPercentValue: the number of a percentage, the int, or Atoi of another string.
int64_t int_or_percent_value(const json::value& v) {
  if (v.is_string()) {
    std::string s(v.get_string());
    if (percent_messages(s).empty()) s.pop_back();
    try {
      size_t used = 0;
      long long n = std::stoll(s, &used);
      return used == s.size() ? n : 0;
    } catch (...) {
      return 0;
    }
  }
  return as_integer(v).value_or(0);
}

void validate_int_or_percent(Reader& r, const json::value& v, const FieldPath& path) {
  if (v.is_string()) {
    add_invalid(r.errors(), path, go_value(go_int_or_string(v)), percent_messages(v.get_string()));
  } else if (std::optional<int64_t> n = as_integer(v)) {
    validate_nonnegative(r.errors(), *n, path);
  } else {
    r.add(type_invalid(path, v, "integer or string"));
  }
}

void validate_strategy(Reader& r, const json::object& spec, const FieldPath& path) {
  static const json::object kEmpty;
  const json::object* strategy = r.object(spec, "strategy", path);
  if (strategy == nullptr) strategy = &kEmpty;
  std::string type = r.string(*strategy, "type", path.child("type")).value_or("");
  const json::object* rolling = r.object(*strategy, "rollingUpdate", path.child("rollingUpdate"));
  FieldPath rp = path.child("rollingUpdate");
  if (type == "Recreate") {
    if (rolling != nullptr) {
      r.add(forbidden(rp, "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type == "RollingUpdate") {
    if (rolling == nullptr) {
      r.add(required(rp, "this should be defaulted and never be nil"));
      return;
    }
    static const json::value kZero = 0;
    const json::value* unavailable = rolling->if_contains("maxUnavailable");
    const json::value* surge = rolling->if_contains("maxSurge");
    if (unavailable == nullptr || unavailable->is_null()) unavailable = &kZero;
    if (surge == nullptr || surge->is_null()) surge = &kZero;
    validate_int_or_percent(r, *unavailable, rp.child("maxUnavailable"));
    validate_int_or_percent(r, *surge, rp.child("maxSurge"));
    if (int_or_percent_value(*unavailable) == 0 && int_or_percent_value(*surge) == 0) {
      r.add(invalid(rp.child("maxUnavailable"), go_value(go_int_or_string(*unavailable)),
                    "may not be 0 when `maxSurge` is 0"));
    }
    if (unavailable->is_string() && percent_messages(unavailable->get_string()).empty() &&
        int_or_percent_value(*unavailable) > 100) {
      r.add(invalid(rp.child("maxUnavailable"), go_value(go_int_or_string(*unavailable)),
                    "must not be greater than 100%"));
    }
  } else {
    std::string shown = "apps.DeploymentStrategy{Type:" + go_quote(type) + ", RollingUpdate:(*apps.RollingUpdateDeployment)(" +
                        (rolling != nullptr ? "0xc000000000" : "nil") + ")}";
    r.add(not_supported(path, go_value(shown), {"Recreate", "RollingUpdate"}));
  }
}

void validate_spec(Reader& r, const json::object& obj) {
  FieldPath path("spec");
  static const json::object kEmpty;
  const json::object* spec = r.object(obj, "spec", path);
  if (spec == nullptr) spec = &kEmpty;
  validate_nonnegative(r.errors(), r.integer(*spec, "replicas", path.child("replicas")).value_or(0), path.child("replicas"));
  validate_selector_and_template(r, *spec, path);
  validate_strategy(r, *spec, path.child("strategy"));
  int64_t min_ready = r.integer(*spec, "minReadySeconds", path.child("minReadySeconds")).value_or(0);
  validate_nonnegative(r.errors(), min_ready, path.child("minReadySeconds"));
  if (std::optional<int64_t> limit = r.integer(*spec, "revisionHistoryLimit", path.child("revisionHistoryLimit"))) {
    validate_nonnegative(r.errors(), *limit, path.child("revisionHistoryLimit"));
  }
  if (const json::object* rollback = r.object(*spec, "rollbackTo", path.child("rollbackTo"))) {
    validate_nonnegative(r.errors(), r.int64(*rollback, "revision", path.child("rollback").child("revision")).value_or(0),
                         path.child("rollback").child("version"));
  }
  FieldPath deadline_path = path.child("progressDeadlineSeconds");
  if (std::optional<int64_t> deadline = r.integer(*spec, "progressDeadlineSeconds", deadline_path)) {
    validate_nonnegative(r.errors(), *deadline, deadline_path);
    if (*deadline <= min_ready) r.add(invalid(deadline_path, *deadline, "must be greater than minReadySeconds"));
  }
}

}  // namespace

void set_defaults_deployment(json::object& obj) {
  json::object* spec = object_for_defaults(obj, "spec");
  if (spec == nullptr) return;
  default_value(*spec, "replicas", 1);
  if (json::object* strategy = object_for_defaults(*spec, "strategy")) {
    default_string(*strategy, "type", "RollingUpdate");
    if (string_or(*strategy, "type") == "RollingUpdate") {
      if (json::object* rolling = object_for_defaults(*strategy, "rollingUpdate")) {
        default_value(*rolling, "maxUnavailable", "25%");
        default_value(*rolling, "maxSurge", "25%");
      }
    }
  }
  default_value(*spec, "revisionHistoryLimit", 10);
  default_value(*spec, "progressDeadlineSeconds", 600);
  if (json::object* tmpl = object_for_defaults(*spec, "template")) set_pod_template_defaults(*tmpl);
}

FieldErrors validate_deployment(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old == nullptr) {
    validate_object_meta(r, obj, kDeploymentMeta);
    validate_spec(r, obj);
  } else {
    validate_object_meta_update(r, obj, *old, kDeploymentMeta);
    validate_spec(r, obj);
    validate_selector_unchanged(r, obj, *old);
  }
  dedupe(errs);
  return errs;
}

FieldErrors validate_deployment_status_update(const json::object& obj, const json::object& old) {
  FieldErrors errs;
  Reader r(errs);
  validate_object_meta_update(r, obj, old, kDeploymentMeta);
  FieldPath path("status");
  static const json::object kEmpty;
  const json::object* status = r.object(obj, "status", path);
  if (status == nullptr) status = &kEmpty;
  validate_nonnegative_fields(r, *status, path,
                              {"observedGeneration", "replicas", "updatedReplicas", "readyReplicas",
                               "availableReplicas", "unavailableReplicas", "collisionCount"});
  validate_counts_within_replicas(r, *status, path, {"updatedReplicas", "readyReplicas", "availableReplicas"});
  const json::object* old_status = find_object(old, "status");
  std::optional<int64_t> old_collisions = old_status != nullptr ? find_int(*old_status, "collisionCount") : std::nullopt;
  std::optional<int64_t> collisions = find_int(*status, "collisionCount");
  if (old_collisions && (!collisions || *collisions < *old_collisions)) {
    r.add(invalid(path.child("collisionCount"), collisions.value_or(0), "cannot be decremented"));
  }
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
