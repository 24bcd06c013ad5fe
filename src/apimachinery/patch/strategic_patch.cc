// The public strategic merge patch functions: input checks around mergeMap and diffMaps, and
// the three-way patch of kubectl apply.

#include <exception>

#include "strategic_internal.h"

namespace kscratch::apimachinery {

namespace json = boost::json;
using patch_detail::DiffOptions;
using patch_detail::MergeOptions;
using patch_detail::SchemaCursor;

namespace {

// Documents must be objects; null (like an empty body upstream) stands for {}.
Expected<json::object> as_object(const json::value& v, std::string_view what) {
  if (auto s = patch_detail::check_nesting(v, what); !s) return s.error();
  if (v.is_null()) return json::object();
  if (!v.is_object()) return make_error("invalid JSON document");
  return v.get_object();
}

SchemaCursor root_of(const PatchSchema& schema) { return {&schema, schema.root_type()}; }

// The algorithms report bad input as errors; this only guards against allocation failure
// escaping the public functions.
template <class Fn>
Expected<json::value> guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return make_error(std::string("strategic merge patch failed: ") + e.what());
  }
}

}  // namespace

Expected<json::value> apply_strategic_merge_patch(const json::value& doc, const json::value& patch,
                                                  const PatchSchema& schema) {
  return guarded([&]() -> Expected<json::value> {
    auto original = as_object(doc, "the document");
    if (!original) return original.error();
    auto patch_map = as_object(patch, "the patch");
    if (!patch_map) return patch_map.error();
    MergeOptions options{.merge_parallel_list = true, .ignore_unmatched_nulls = true};
    auto merged = patch_detail::merge_map(std::move(*original), std::move(*patch_map), root_of(schema), options);
    if (!merged) return merged.error();
    return json::value(std::move(*merged));
  });
}

Expected<json::value> create_two_way_strategic_merge_patch(const json::value& original,
                                                           const json::value& modified,
                                                           const PatchSchema& schema) {
  return guarded([&]() -> Expected<json::value> {
    auto from = as_object(original, "the original document");
    if (!from) return from.error();
    auto to = as_object(modified, "the modified document");
    if (!to) return to.error();
    auto patch = patch_detail::diff_maps(*from, *to, root_of(schema), DiffOptions{.set_element_order = true});
    if (!patch) return patch.error();
    return json::value(std::move(*patch));
  });
}

Expected<json::value> create_three_way_strategic_merge_patch(const json::value& original,
                                                             const json::value& modified,
                                                             const json::value& current,
                                                             const PatchSchema& schema) {
  return guarded([&]() -> Expected<json::value> {
    auto last_applied = as_object(original, "the original document");
    if (!last_applied) return last_applied.error();
    auto desired = as_object(modified, "the modified document");
    if (!desired) return desired.error();
    auto live = as_object(current, "the current document");
    if (!live) return live.error();

    // The patch is the difference from current to modified without deletions, plus the
    // deletions from original to modified: fields the user removed from their config, but
    // not fields other actors added to the live object.
    auto delta = patch_detail::diff_maps(
        *live, *desired, root_of(schema), DiffOptions{.set_element_order = true, .ignore_deletions = true});
    if (!delta) return delta.error();
    auto deletions = patch_detail::diff_maps(
        *last_applied, *desired, root_of(schema),
        DiffOptions{.set_element_order = true, .ignore_changes_and_additions = true});
    if (!deletions) return deletions.error();
    // Merging the delta into the deletions keeps every directive, so nothing executes yet.
    auto patch = patch_detail::merge_map(std::move(*deletions), std::move(*delta), root_of(schema), MergeOptions{});
    if (!patch) return patch.error();
    return json::value(std::move(*patch));
  });
}

}  // namespace kscratch::apimachinery
