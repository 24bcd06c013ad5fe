// ConfigMaps: ValidateConfigMap / ValidateConfigMapUpdate (keys, the 1 MiB size limit and
// immutable ConfigMaps). SetDefaults_ConfigMap's empty data map is invisible in JSON, so
// defaulting does nothing.

#include "kinds.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kConfigMapMeta{true, NameRule::kDNS1123Subdomain, true};
constexpr int64_t kMaxSize = 1 * 1024 * 1024;  // core.MaxSecretSize, shared with ConfigMaps.

// The decoded size of a base64 value, which is what binaryData holds upstream.
int64_t base64_decoded_size(std::string_view s) {
  int64_t padding = 0;
  while (!s.empty() && s.back() == '=') {
    s.remove_suffix(1);
    ++padding;
  }
  return static_cast<int64_t>(s.size()) * 3 / 4;
}

void validate_configmap(Reader& r, const json::object& obj) {
  validate_object_meta(r, obj, kConfigMapMeta);
  int64_t total = 0;
  std::optional<StringMap> data = r.string_map(obj, "data", FieldPath("data"));
  std::optional<StringMap> binary = r.string_map(obj, "binaryData", FieldPath("binaryData"));
  if (data) {
    for (const auto& [key, value] : *data) {
      FieldPath p = FieldPath("data").key(key);
      add_invalid(r.errors(), p, json::value(key), v::is_config_map_key(key));
      if (binary && binary->count(key)) r.add(invalid(p, key, "duplicate of key present in binaryData"));
      total += static_cast<int64_t>(value.size());
    }
  }
  if (binary) {
    for (const auto& [key, value] : *binary) {
      add_invalid(r.errors(), FieldPath("binaryData").key(key), json::value(key), v::is_config_map_key(key));
      total += base64_decoded_size(value);
    }
  }
  // The empty path means the whole object.
  if (total > kMaxSize) r.add(too_long(FieldPath(""), kMaxSize));
}

bool same_map(const json::object& a, const json::object& b, std::string_view key) {
  const json::object* x = find_object(a, key);
  const json::object* y = find_object(b, key);
  bool x_empty = x == nullptr || x->empty();
  bool y_empty = y == nullptr || y->empty();
  if (x_empty || y_empty) return x_empty == y_empty;
  return *x == *y;
}

}  // namespace

void set_defaults_configmap(json::object&) {}

FieldErrors validate_configmap(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) {
    validate_object_meta_update(r, obj, *old, kConfigMapMeta);
    if (bool_or(*old, "immutable", false)) {
      if (!bool_or(obj, "immutable", false)) {
        r.add(forbidden(FieldPath("immutable"), "field is immutable when `immutable` is set"));
      }
      if (!same_map(obj, *old, "data")) r.add(forbidden(FieldPath("data"), "field is immutable when `immutable` is set"));
      if (!same_map(obj, *old, "binaryData")) {
        r.add(forbidden(FieldPath("binaryData"), "field is immutable when `immutable` is set"));
      }
    }
  }
  validate_configmap(r, obj);
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
