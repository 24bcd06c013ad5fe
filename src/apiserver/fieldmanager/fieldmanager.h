#pragma once
// Server-side apply and metadata.managedFields, as k8s.io/apiserver's field manager does
// them over structured-merge-diff: every write records which manager owns which fields, an
// apply merges a partial configuration into the live object, reports conflicts with fields
// other managers set to other values, and removes fields its manager stopped applying.
// Pure functions over JSON objects, so the REST layer decides when they run.

#include "field_set.h"

#include "kscratch/apimachinery/patch.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kscratch::apiserver::fieldmanager {

// Where a write happens: the kind (its list keys) and the subresource written through.
struct Scope {
  const apimachinery::PatchSchema* schema = nullptr;  // nullptr: no lists are keyed
  std::string api_version;                            // "apps/v1"
  std::string kind;                                   // "Deployment"
  std::string subresource;                            // "", "status" or "scale"
  // The kind has a status subresource, so status is nobody's through the main resource
  // (upstream's reset fields).
  bool status_subresource = false;
};

// One metadata.managedFields entry.
struct ManagedEntry {
  std::string manager;
  std::string operation;  // "Apply" or "Update"
  std::string api_version;
  std::string time;  // RFC 3339, seconds
  std::string subresource;
  FieldSet fields;
};
using ManagedFields = std::vector<ManagedEntry>;

// nullopt when `v` is not a list of entries with FieldsV1 sets.
std::optional<ManagedFields> decode_managed_fields(const json::value& v);
// Entries in upstream's order (Apply first, then by time, manager, version, subresource);
// entries owning nothing are left out.
json::array encode_managed_fields(const ManagedFields& entries);

// Records a write that is not an apply (create, update, patch, /status, /scale): the
// fields `updated` adds or changes from `live` become `manager`'s Update entry and leave
// everyone else's; removed fields leave every entry. `live` is nullptr on create. Entries
// the client sent in `updated` (a non-empty, valid list) replace the live ones first, as
// upstream lets clients edit managedFields. An existing object that has no managedFields
// stays untracked until its first apply. Sets metadata.managedFields of `updated`.
void track_update(const Scope& scope, const json::object* live, json::object& updated, const std::string& manager,
                  const std::string& now);

struct Conflict {
  std::string manager;  // as upstream prints it: "kubectl" with subresource "scale" using apps/v1
  std::string field;    // .spec.replicas
};

struct ApplyError {
  int code = 400;        // 409 for conflicts, 400 for configurations that cannot be applied
  std::string message;   // upstream's: "Apply failed with 1 conflict: conflict with ..."
  std::vector<Conflict> conflicts;
};

// Applies `config` for `manager` to `live` (an empty object when creating): the merged
// object, with managedFields recording the apply, or the conflicts (unless `force`, which
// takes the fields over).
std::variant<json::object, ApplyError> apply(const Scope& scope, const json::object& live, const json::object& config,
                                             const std::string& manager, bool force, const std::string& now);

// The manager of a write that names none: the User-Agent up to its first "/" ("kubectl"),
// printable characters only, at most kMaxManagerLength bytes (prefixFromUserAgent).
std::string manager_from_user_agent(std::string_view user_agent);
inline constexpr std::size_t kMaxManagerLength = 128;

}  // namespace kscratch::apiserver::fieldmanager
