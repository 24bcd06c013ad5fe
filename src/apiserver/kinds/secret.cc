// Secrets: SetDefaults_Secret (type Opaque) and ValidateSecret / ValidateSecretUpdate with the
// per-type required keys. Secret data is base64 in JSON; sizes count the decoded bytes.

#include <boost/json/parse.hpp>

#include "kinds.h"
#include "kscratch/apimachinery/base64.h"
#include "kscratch/apimachinery/validation.h"
#include "object_meta.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;
namespace v = apimachinery::validation;

namespace {

const MetaRules kSecretMeta{true, NameRule::kDNS1123Subdomain, true};
constexpr int64_t kMaxSecretSize = 1 * 1024 * 1024;

int64_t decoded_size(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  return static_cast<int64_t>(s.size()) * 3 / 4;
}

void validate_secret(Reader& r, const json::object& obj) {
  validate_object_meta(r, obj, kSecretMeta);
  FieldPath data_path("data");
  StringMap data = r.string_map(obj, "data", data_path).value_or(StringMap{});
  int64_t total = 0;
  for (const auto& [key, value] : data) {
    add_invalid(r.errors(), data_path.key(key), json::value(key), v::is_config_map_key(key));
    total += decoded_size(value);
  }
  if (total > kMaxSecretSize) r.add(too_long(data_path, kMaxSecretSize));
  std::string type = r.string(obj, "type", FieldPath("type")).value_or("");
  auto require_key = [&](std::string_view key) {
    if (!data.count(std::string(key))) {
      r.add(required(data_path.key(key)));
      return false;
    }
    return true;
  };
  auto require_json = [&](std::string_view key) {
    if (!require_key(key)) return;
    std::optional<std::string> raw = apimachinery::base64_decode(data.at(std::string(key)));
    boost::system::error_code ec;
    json::value parsed = raw ? json::parse(*raw, ec) : json::value();
    if (!raw || ec || !parsed.is_object()) {
      r.add(invalid(data_path.key(key), "<secret contents redacted>", "invalid character in JSON"));
    }
  };
  if (type == "kubernetes.io/service-account-token") {
    const json::object* annotations = find_object(metadata_of(obj), "annotations");
    if (annotations == nullptr || string_or(*annotations, "kubernetes.io/service-account.name").empty()) {
      r.add(required(FieldPath("metadata").child("annotations").key("kubernetes.io/service-account.name")));
    }
  } else if (type == "kubernetes.io/dockercfg") {
    require_json(".dockercfg");
  } else if (type == "kubernetes.io/dockerconfigjson") {
    require_json(".dockerconfigjson");
  } else if (type == "kubernetes.io/basic-auth") {
    if (!data.count("username") && !data.count("password")) {
      r.add(required(data_path.key("username")));
      r.add(required(data_path.key("password")));
    }
  } else if (type == "kubernetes.io/ssh-auth") {
    if (data.count("ssh-privatekey") == 0 || decoded_size(data.at("ssh-privatekey")) == 0) {
      r.add(required(data_path.key("ssh-privatekey")));
    }
  } else if (type == "kubernetes.io/tls") {
    require_key("tls.crt");
    require_key("tls.key");
  }
}

}  // namespace

void set_defaults_secret(json::object& obj) { default_string(obj, "type", "Opaque"); }

FieldErrors validate_secret(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) {
    validate_object_meta_update(r, obj, *old, kSecretMeta);
    std::string type = string_or(obj, "type");
    if (type != string_or(*old, "type")) r.add(invalid(FieldPath("type"), type, std::string(kImmutable)));
    if (bool_or(*old, "immutable", false)) {
      if (!bool_or(obj, "immutable", false)) {
        r.add(forbidden(FieldPath("immutable"), "field is immutable when `immutable` is set"));
      }
      const json::object* data = find_object(obj, "data");
      const json::object* old_data = find_object(*old, "data");
      bool same = (data == nullptr || data->empty()) ? (old_data == nullptr || old_data->empty())
                                                     : (old_data != nullptr && *data == *old_data);
      if (!same) r.add(forbidden(FieldPath("data"), "field is immutable when `immutable` is set"));
    }
  }
  validate_secret(r, obj);
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
