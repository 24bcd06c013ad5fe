// Leases (coordination.k8s.io/v1): ValidateLease / ValidateLeaseUpdate. Coordination uses the
// apimachinery ObjectMeta checks, without the core group's finalizer-name rule.

#include "kinds.h"
#include "object_meta.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

const MetaRules kLeaseMeta{true, NameRule::kDNS1123Subdomain, false};

void validate_spec(Reader& r, const json::object& obj) {
  FieldPath path("spec");
  const json::object* spec = r.object(obj, "spec", path);
  if (spec == nullptr) return;
  r.string(*spec, "holderIdentity", path.child("holderIdentity"));
  r.string(*spec, "acquireTime", path.child("acquireTime"));
  r.string(*spec, "renewTime", path.child("renewTime"));
  if (std::optional<int64_t> d = r.integer(*spec, "leaseDurationSeconds", path.child("leaseDurationSeconds"))) {
    if (*d <= 0) r.add(invalid(path.child("leaseDurationSeconds"), *d, "must be greater than 0"));
  }
  if (std::optional<int64_t> t = r.integer(*spec, "leaseTransitions", path.child("leaseTransitions"))) {
    if (*t < 0) r.add(invalid(path.child("leaseTransitions"), *t, "must be greater than or equal to 0"));
  }
  std::optional<std::string> strategy = r.string(*spec, "strategy", path.child("strategy"));
  if (strategy) {
    if (strategy->find('/') == std::string::npos) {
      if (*strategy != "OldestEmulationVersion") {
        r.add(not_supported(path.child("strategy").child("strategy"), *strategy, {"OldestEmulationVersion"}));
      }
    } else {
      validate_qualified_name(r.errors(), *strategy, path.child("strategy").child("strategy"));
    }
  }
  std::string preferred = r.string(*spec, "preferredHolder", path.child("preferredHolder")).value_or("");
  if (!preferred.empty() && strategy.value_or("").empty()) {
    r.add(forbidden(path.child("preferredHolder"), "may only be specified if `strategy` is defined"));
  }
}

}  // namespace

void set_defaults_lease(json::object&) {}

FieldErrors validate_lease(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) {
    validate_object_meta_update(r, obj, *old, kLeaseMeta);
  } else {
    validate_object_meta(r, obj, kLeaseMeta);
  }
  validate_spec(r, obj);
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
