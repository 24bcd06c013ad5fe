// ServiceAccounts: metadata only, as upstream's ValidateServiceAccount(Update).

#include "kinds.h"
#include "object_meta.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {
const MetaRules kServiceAccountMeta{true, NameRule::kDNS1123Subdomain, true};
}  // namespace

void set_defaults_serviceaccount(json::object&) {}

FieldErrors validate_serviceaccount(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) validate_object_meta_update(r, obj, *old, kServiceAccountMeta);
  validate_object_meta(r, obj, kServiceAccountMeta);
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
