// Kinds whose rows are a few plain fields: Namespaces, ConfigMaps, Secrets, ServiceAccounts and
// Leases (upstream's printNamespace, printConfigMap, printSecret, printServiceAccount and
// printLease).

#include "columns.h"
#include "json_access.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

std::vector<TableColumn> namespace_columns() {
  return {name_column(), column("Status", "The status of the namespace"), age_column()};
}

json::array namespace_row(const json::object& object, Clock::time_point now) {
  // An empty phase decodes as Active (SetDefaults_NamespaceStatus).
  std::string phase = string_at(object_or_empty(object, "status"), "phase");
  return json::array{object_name(object), phase.empty() ? "Active" : phase, object_age(object, now)};
}

std::vector<TableColumn> configmap_columns() {
  return {
      name_column(),
      column("Data",
             "Data contains the configuration data. Each key must consist of alphanumeric "
             "characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the "
             "BinaryData field. The keys stored in Data must not overlap with the keys in the "
             "BinaryData field, this is enforced during validation process."),
      age_column(),
  };
}

json::array configmap_row(const json::object& object, Clock::time_point now) {
  return json::array{object_name(object),
                     length_at(object, "data") + length_at(object, "binaryData"),
                     object_age(object, now)};
}

std::vector<TableColumn> secret_columns() {
  return {
      name_column(),
      column("Type",
             "Used to facilitate programmatic handling of secret data. More info: "
             "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
      column("Data",
             "Data contains the secret data. Each key must consist of alphanumeric characters, "
             "'-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, "
             "representing the arbitrary (possibly non-string) data value here. Described in "
             "https://tools.ietf.org/html/rfc4648#section-4"),
      age_column(),
  };
}

json::array secret_row(const json::object& object, Clock::time_point now) {
  // An empty type decodes as Opaque (SetDefaults_Secret); stringData never reaches storage.
  std::string type = string_at(object, "type");
  return json::array{object_name(object), type.empty() ? "Opaque" : type,
                     length_at(object, "data"), object_age(object, now)};
}

std::vector<TableColumn> serviceaccount_columns() {
  return {
      name_column(),
      column("Secrets",
             "Secrets is a list of the secrets in the same namespace that pods running using this "
             "ServiceAccount are allowed to use. Pods are only limited to this list if this "
             "service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to "
             "\"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated "
             "since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This "
             "field should not be used to find auto-generated service account token secrets for "
             "use outside of pods. Instead, tokens can be requested directly using the "
             "TokenRequest API, or service account token secrets can be manually created. More "
             "info: https://kubernetes.io/docs/concepts/configuration/secret"),
      age_column(),
  };
}

json::array serviceaccount_row(const json::object& object, Clock::time_point now) {
  return json::array{object_name(object), length_at(object, "secrets"), object_age(object, now)};
}

std::vector<TableColumn> lease_columns() {
  return {
      name_column(),
      column("Holder",
             "holderIdentity contains the identity of the holder of a current lease. If "
             "Coordinated Leader Election is used, the holder identity must be equal to the "
             "elected LeaseCandidate.metadata.name field."),
      age_column(),
  };
}

json::array lease_row(const json::object& object, Clock::time_point now) {
  return json::array{object_name(object), string_at(object_or_empty(object, "spec"), "holderIdentity"),
                     object_age(object, now)};
}

}  // namespace kscratch::apiserver::tables
