#pragma once
// Shared pieces of the strategic merge patch port (k8s.io/apimachinery/pkg/util/strategicpatch):
// the directive names, upstream's error texts, the schema cursor, and the list-ordering
// helpers that both applying (merge) and creating (diff) patches use.
//
// Callers have checked that every input nests at most kMaxPatchNestingDepth levels, which is
// what bounds the recursion of these functions.

#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "json_support.h"
#include "kscratch/apimachinery/patch.h"

namespace kscratch::apimachinery::patch_detail {

namespace json = boost::json;

inline constexpr std::string_view kDirectiveMarker = "$patch";
inline constexpr std::string_view kDeleteDirective = "delete";
inline constexpr std::string_view kReplaceDirective = "replace";
inline constexpr std::string_view kMergeDirective = "merge";
inline constexpr std::string_view kRetainKeysDirective = "$retainKeys";
inline constexpr std::string_view kDeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
inline constexpr std::string_view kSetElementOrderPrefix = "$setElementOrder";

// Where in the schema a map being merged or diffed sits: its type, whose fields are looked up.
struct SchemaCursor {
  const PatchSchema* schema;
  std::string_view type;

  const FieldPatchMeta* field(std::string_view name) const { return schema->lookup(type, name); }
  SchemaCursor child(const FieldPatchMeta* meta) const {
    return {schema, meta == nullptr ? std::string_view() : std::string_view(meta->type)};
  }
};

// mergepatch's error texts.
Error err_bad_arg_type(GoKind expected, const json::value& actual);
Error err_no_merge_key(const json::value& map, std::string_view merge_key);
Error err_bad_patch_type(const json::value& directive, const json::value& map);
Error err_no_list_of_lists();
Error err_bad_patch_format_for_primitive_list();
Error err_bad_patch_format_for_retain_keys();
Error err_bad_patch_format_for_set_element_order_list();

bool starts_with(std::string_view s, std::string_view prefix);
// "$setElementOrder/containers" -> "containers"; the error names the malformed directive.
Expected<std::string> extract_key(std::string_view key, std::string_view prefix);

// The one Go kind shared by the elements of all lists; upstream refuses mixed lists, lists of
// lists, and (as an error here) lists without elements.
Expected<GoKind> slice_element_type(std::initializer_list<const json::array*> lists);

// Whether two list items have equal merge keys (or are equal, without a merge key).
Expected<bool> merge_key_value_equal(const json::value& left, const json::value& right,
                                     std::string_view merge_key);
// The index of the first object in `list` whose `key` equals `value`; errors on non-objects.
Expected<std::optional<std::size_t>> find_map_in_slice(const json::array& list, std::string_view key,
                                                       const json::value& value);
// Splits object items into those without and those with `$patch: delete`.
Expected<std::pair<json::array, json::array>> extract_to_delete_items(json::array list);

// Removes duplicates as upstream's deduplicateScalars does, including its reordering.
json::array deduplicate_scalars(json::array list);
// Sorts scalars by their %v text (sortScalars), stably.
json::array sort_scalars(json::array list);
// The items of `current` that are not in `to_delete`.
json::array delete_from_slice(const json::array& current, const json::array& to_delete);

// Splits `list` into items present in `partition_by` and server-only items.
std::pair<json::array, json::array> partition_primitives(const json::array& list,
                                                         const json::array& partition_by);
Expected<std::pair<json::array, json::array>> partition_maps(const json::array& list,
                                                             const json::array& partition_by,
                                                             std::string_view merge_key);

// Orders `to_sort` as `order` lists the same items; items marked `$patch: delete` go last.
Expected<json::array> normalize_slice_order(json::array to_sort, const json::array& order,
                                            std::string_view merge_key, GoKind kind);
// Orders patch items by `patch_order` and server-only items by `server_order`, then
// interleaves them keeping both relative orders (normalizeElementOrder).
Expected<json::array> normalize_element_order(json::array patch, json::array server_only,
                                              const json::array& patch_order,
                                              const json::array& server_order,
                                              std::string_view merge_key, GoKind kind);

// What MergeOptions selects: the apiserver merges parallel lists ($deleteFromPrimitiveList)
// and drops unmatched nulls; the three-way patch builder keeps both for the final patch.
struct MergeOptions {
  bool merge_parallel_list = false;
  bool ignore_unmatched_nulls = false;
};

// What DiffOptions selects when creating a patch.
struct DiffOptions {
  bool set_element_order = false;
  bool ignore_changes_and_additions = false;
  bool ignore_deletions = false;
  bool build_retain_keys_directive = false;
};

// strategicpatch.mergeMap: applies `patch` to `original`.
Expected<json::object> merge_map(json::object original, json::object patch, SchemaCursor at,
                                 const MergeOptions& options);
// strategicpatch.diffMaps: the patch from `original` to `modified`.
Expected<json::object> diff_maps(const json::object& original, const json::object& modified,
                                 SchemaCursor at, DiffOptions options);

}  // namespace kscratch::apimachinery::patch_detail
