#pragma once
// The three PATCH content types of the Kubernetes API, as k8s.io/apimachinery applies them:
//   application/json-patch+json            RFC 6902 operations (evanphx/json-patch v4 semantics)
//   application/merge-patch+json           RFC 7386 merge patch
//   application/strategic-merge-patch+json strategic merge patch (pkg/util/strategicpatch)
// plus the three-way patches kubectl apply computes from last-applied, new and live objects.
//
// Inputs nested deeper than kMaxPatchNestingDepth are refused with an Error rather than
// recursed into, so hostile bodies cannot exhaust the stack. Bad input is always an Error;
// only apply_merge_patch, which has no error to return, can throw (std::bad_alloc).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery {

// Objects and arrays nested deeper than this are rejected ({} alone is depth 1).
inline constexpr std::size_t kMaxPatchNestingDepth = 100;

// ---- JSON patch (RFC 6902) -------------------------------------------------------------------

// Applies the operations of `patch` (a JSON array) to a copy of `doc`. Failures name the
// operation and path as upstream does, e.g. `add operation does not apply: doc is missing
// path: "/a/b": missing value`.
Expected<boost::json::value> apply_json_patch(const boost::json::value& doc,
                                              const boost::json::value& patch);

// ---- JSON merge patch (RFC 7386) -------------------------------------------------------------

// Members of `patch` replace those of `doc`, objects merge recursively, null deletes, and a
// patch that is not an object replaces the document. Never fails and never recurses.
boost::json::value apply_merge_patch(const boost::json::value& doc, const boost::json::value& patch);

// kubectl apply's patch for kinds without a strategic schema (custom resources), as
// jsonmergepatch.CreateThreeWayJSONMergePatch: deletions are fields of `original` missing from
// `modified`; additions and changes are the difference from `current` to `modified`.
Expected<boost::json::value> create_three_way_json_merge_patch(const boost::json::value& original,
                                                               const boost::json::value& modified,
                                                               const boost::json::value& current);

// ---- Strategic merge patch schema ------------------------------------------------------------

// What a field's patchStrategy struct tag says.
enum class PatchStrategy {
  kDefault,  // No tag: objects merge recursively, lists are replaced whole.
  kMerge,    // Lists merge: by merge_key for lists of objects, as sets for primitives.
  kReplace,  // The value is replaced whole, even an object.
};

// The patch metadata of one field, i.e. its `patchStrategy`/`patchMergeKey` tags, and the
// schema type of the object (or list element) it holds, which names where lookups continue.
struct FieldPatchMeta {
  PatchStrategy strategy = PatchStrategy::kDefault;
  bool retain_keys = false;  // patchStrategy contains "retainKeys".
  std::string merge_key;     // patchMergeKey, for lists of objects with strategy kMerge.
  std::string type;          // Schema type of the value or list element; "" if unknown.
};

// Patch metadata as data: a table of named types (like Go structs) whose fields carry
// FieldPatchMeta, plus the type of the document root. Fields that are not in the table get
// the defaults, which is upstream's behaviour for untagged fields and what custom resources
// see. Types may refer to themselves, so recursive structures need no special casing.
class PatchSchema {
 public:
  PatchSchema() = default;  // Knows no fields: every lookup falls back to the defaults.
  explicit PatchSchema(std::string root_type) : root_type_(std::move(root_type)) {}

  // Declares `field` of `type`. Returns *this so tables read as a list of declarations.
  PatchSchema& add_field(std::string type, std::string field, FieldPatchMeta meta);

  // The metadata of `field` in an object of `type`, or nullptr when unknown.
  const FieldPatchMeta* lookup(std::string_view type, std::string_view field) const;
  // Follows a dotted path of field names from the root, e.g.
  // "spec.template.spec.containers" on a Deployment; list elements add no path segment.
  const FieldPatchMeta* lookup_path(std::string_view dotted_path) const;

  const std::string& root_type() const { return root_type_; }

 private:
  using Fields = std::map<std::string, FieldPatchMeta, std::less<>>;
  std::string root_type_;
  std::map<std::string, Fields, std::less<>> types_;
};

// The schema of a built-in kind, from the struct tags of k8s.io/api (core/v1, apps/v1,
// batch/v1). `group` is the API group without version ("" for core, "apps", "batch").
// Unknown kinds get a schema that knows only the common metadata (finalizers, ownerReferences).
const PatchSchema& builtin_patch_schema(std::string_view group, std::string_view kind);
// Whether builtin_patch_schema knows the kind; callers use JSON merge patch when it does not,
// as the apiserver and kubectl do for custom resources.
bool has_builtin_patch_schema(std::string_view group, std::string_view kind);

// ---- Strategic merge patch -------------------------------------------------------------------

// Applies `patch` to `doc` as the apiserver does (strategicpatch.StrategicMergeMapPatch):
// null deletes, lists merge per the schema, and the directives $patch (replace, delete; in
// maps and list items), $retainKeys, $setElementOrder/<field> and
// $deleteFromPrimitiveList/<field> are honoured. Both documents must be objects (or null).
Expected<boost::json::value> apply_strategic_merge_patch(const boost::json::value& doc,
                                                         const boost::json::value& patch,
                                                         const PatchSchema& schema);

// The patch that turns `original` into `modified` (strategicpatch.CreateTwoWayMergePatch).
Expected<boost::json::value> create_two_way_strategic_merge_patch(
    const boost::json::value& original, const boost::json::value& modified,
    const PatchSchema& schema);

// kubectl apply's patch (strategicpatch.CreateThreeWayMergePatch with overwrite=true):
// `original` is the last-applied configuration, `modified` the new configuration and
// `current` the live object. Deletions come from original→modified, additions and changes
// from current→modified, and merge lists carry $setElementOrder as kubectl 1.32 sends.
Expected<boost::json::value> create_three_way_strategic_merge_patch(
    const boost::json::value& original, const boost::json::value& modified,
    const boost::json::value& current, const PatchSchema& schema);

}  // namespace kscratch::apimachinery
