// Applying a strategic merge patch: strategicpatch.mergeMap and what it calls, as of
// k8s.io/apimachinery v0.32. The same code merges the two halves of a three-way patch, with
// MergeOptions keeping directives instead of executing them.

#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "strategic_internal.h"

namespace kscratch::apimachinery::patch_detail {

namespace {

bool is_string(const json::value& v, std::string_view s) { return v.is_string() && v.get_string() == s; }

// handleDirectiveInMergeMap: `$patch: replace` makes the patch the whole new map, and
// `$patch: delete` empties it.
Expected<json::object> handle_directive_in_merge_map(const json::value& directive, json::object patch) {
  if (is_string(directive, kReplaceDirective)) {
    patch.erase(kDirectiveMarker);
    return patch;
  }
  if (is_string(directive, kDeleteDirective)) return json::object();
  return err_bad_patch_type(directive, json::value(std::move(patch)));
}

// removeDirectives: a value taken from the patch as is must not carry directives into the
// object; a map that is itself a directive is dropped (the bool says whether to keep it).
std::pair<json::value, bool> remove_directives(json::value v) {
  if (v.is_object()) {
    auto& obj = v.get_object();
    if (obj.contains(kDirectiveMarker)) return {json::value(), false};
    std::vector<std::string> dropped;
    for (auto& [key, member] : obj) {
      auto [cleaned, keep] = remove_directives(std::move(member));
      if (keep) {
        member = std::move(cleaned);
      } else {
        dropped.emplace_back(key);
      }
    }
    for (const auto& key : dropped) obj.erase(key);
  } else if (v.is_array()) {
    json::array kept;
    for (auto& item : v.get_array()) {
      auto [cleaned, keep] = remove_directives(std::move(item));
      if (keep) kept.push_back(std::move(cleaned));
    }
    v = std::move(kept);
  }
  return {std::move(v), true};
}

// discardNullValuesFromPatch: a null that matches nothing in the original has nothing to
// delete, so the apiserver leaves it out rather than storing it (kubernetes#123304).
void discard_null_values(json::value& v) {
  if (v.is_object()) {
    auto& obj = v.get_object();
    std::vector<std::string> nulls;
    for (auto& [key, member] : obj) {
      if (member.is_null()) {
        nulls.emplace_back(key);
      } else {
        discard_null_values(member);
      }
    }
    for (const auto& key : nulls) obj.erase(key);
  } else if (v.is_array()) {
    for (auto& item : v.get_array()) discard_null_values(item);
  }
}

bool contains_directive_marker(const json::value& item) {
  return item.is_object() && item.get_object().contains(kDirectiveMarker);
}

// validatePatchWithSetOrderList: the patch list must be a subsequence of the
// $setElementOrder list (deletions aside), or the two disagree about the order.
Status validate_patch_with_set_order_list(const json::array& patch_list, const json::array& set_order,
                                          std::string_view merge_key) {
  if (set_order.empty() || patch_list.empty()) return Ok{};
  json::array non_delete = patch_list;
  if (!merge_key.empty()) {
    auto split = extract_to_delete_items(patch_list);
    if (!split) return split.error();
    non_delete = std::move(split->first);
  }
  std::size_t patch_index = 0;
  std::size_t order_index = 0;
  while (patch_index < non_delete.size() && order_index < set_order.size()) {
    if (contains_directive_marker(non_delete[patch_index])) {
      ++patch_index;
      continue;
    }
    auto equal = merge_key_value_equal(non_delete[patch_index], set_order[order_index], merge_key);
    if (!equal) return equal.error();
    if (*equal) ++patch_index;
    ++order_index;
  }
  if (patch_index < non_delete.size() && order_index >= set_order.size()) {
    return make_error(fmt::format("the order in patch list:\n{}\n doesn't match {} list:\n{}",
                                  go_format(json::value(patch_list)), kSetElementOrderPrefix,
                                  go_format(json::value(set_order))));
  }
  return Ok{};
}

// applyRetainKeysDirective: keys of `original` missing from the list are cleared, and the
// patch may only set listed keys. When merging two patches the directive is carried over.
Status apply_retain_keys_directive(json::object& original, json::object& patch, const MergeOptions& options) {
  const json::value* found = patch.if_contains(kRetainKeysDirective);
  if (found == nullptr) return Ok{};
  json::value retain_keys = *found;
  patch.erase(kRetainKeysDirective);

  if (!options.merge_parallel_list) {
    if (const json::value* existing = original.if_contains(kRetainKeysDirective)) {
      if (!json_equal(*existing, retain_keys)) {
        return make_error(fmt::format(
            "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
            go_format(*existing), go_format(retain_keys)));
      }
    } else {
      original[kRetainKeysDirective] = retain_keys;
    }
    return Ok{};
  }

  if (!retain_keys.is_array()) return err_bad_patch_format_for_retain_keys();
  std::unordered_set<std::string> retained;
  for (const auto& key : retain_keys.get_array()) retained.insert(identity_key(key));
  auto is_retained = [&](std::string_view key) { return retained.count(identity_key(json::value(key))) > 0; };
  for (const auto& [key, value] : patch) {
    if (value.is_null() || starts_with(key, kDeleteFromPrimitiveListPrefix) ||
        starts_with(key, kSetElementOrderPrefix)) {
      continue;
    }
    if (!is_retained(key)) return err_bad_patch_format_for_retain_keys();
  }
  std::vector<std::string> cleared;
  for (const auto& [key, value] : original) {
    (void)value;
    if (!is_retained(key)) cleared.emplace_back(key);
  }
  for (const auto& key : cleared) original.erase(key);
  return Ok{};
}

struct FieldStrategy {
  PatchStrategy strategy = PatchStrategy::kDefault;
  std::string merge_key;
};

FieldStrategy strategy_of(const FieldPatchMeta* meta) {
  if (meta == nullptr) return {};
  return {meta->strategy, meta->merge_key};
}

// Upstream merges lists of objects in place on Go slices, whose backing array the caller's
// slice shares: deleting an item shifts the later ones down, and appending within the
// capacity writes into it. mergePatchIntoOriginal then orders the result by what the caller's
// slice reads, so list order after a patch depends on those writes. This replays them on a
// copy of the caller's list, whose capacity is its length as in the apiserver (its objects
// come from runtime.DefaultUnstructuredConverter).
struct AliasedList {
  json::array backing;  // What the caller's slice reads afterwards.
  bool shared = true;   // False once an append has reallocated the callee's slice.

  // Mirrors `list.erase(k)` done on a list of `size_before` items: Go shifts the tail down.
  void erase(const json::array& list_after, std::size_t k, std::size_t size_before) {
    for (std::size_t i = k; i + 1 < size_before; ++i) backing[i] = list_after[i];
  }
  // Mirrors `list[i] = value` on the callee's list.
  void assign(std::size_t i, const json::value& value) {
    if (shared) backing[i] = value;
  }
  // Mirrors `list.push_back(value)` on a list of `size_before` items.
  void append(std::size_t size_before, const json::value& value) {
    if (shared && size_before < backing.size()) {
      backing[size_before] = value;
    } else {
      shared = false;
    }
  }
};

Expected<json::array> merge_slice(json::array original, json::array patch, SchemaCursor at,
                                  std::string_view merge_key, const MergeOptions& options, bool is_delete_list,
                                  AliasedList* aliased);

// mergeSliceHandler: lists merge under the merge strategy (and deletion lists always do);
// otherwise the patch list replaces the original. `aliased`, when given, must hold a copy of
// `original` and receives the writes upstream makes through the caller's list.
Expected<json::array> merge_slice_handler(json::array original, json::array patch, SchemaCursor at,
                                          const FieldStrategy& field, bool is_delete_list,
                                          const MergeOptions& options, AliasedList* aliased = nullptr) {
  if (field.strategy == PatchStrategy::kMerge || is_delete_list) {
    return merge_slice(std::move(original), std::move(patch), at, field.merge_key, options, is_delete_list,
                       aliased);
  }
  return patch;
}

// mergeSliceWithSpecialElements: executes `$patch: delete` items against the original and
// `$patch: replace` (which makes the rest of the patch the whole list).
Expected<std::pair<json::array, json::array>> merge_slice_with_special_elements(json::array original,
                                                                                 const json::array& patch,
                                                                                 std::string_view merge_key,
                                                                                 AliasedList* aliased) {
  json::array plain;
  bool replace = false;
  for (const auto& item : patch) {
    const auto& map = item.get_object();
    const json::value* directive = map.if_contains(kDirectiveMarker);
    if (directive == nullptr) {
      plain.push_back(item);
    } else if (is_string(*directive, kDeleteDirective)) {
      const json::value* key = map.if_contains(merge_key);
      if (key == nullptr) return err_no_merge_key(item, merge_key);
      // Deletes every entry with that key, duplicates included.
      while (true) {
        auto found = find_map_in_slice(original, merge_key, *key);
        if (!found) return found.error();
        if (!found->has_value()) break;
        std::size_t size_before = original.size();
        original.erase(original.begin() + static_cast<std::ptrdiff_t>(**found));
        if (aliased != nullptr) aliased->erase(original, **found, size_before);
      }
    } else if (is_string(*directive, kReplaceDirective)) {
      replace = true;  // Keep scanning so the other directives are pruned too.
    } else if (is_string(*directive, kMergeDirective)) {
      return make_error("merging lists cannot yet be specified in the patch");
    } else {
      return err_bad_patch_type(*directive, item);
    }
  }
  if (replace) {
    if (aliased != nullptr) aliased->shared = false;  // The list is the patch's from here on.
    return std::make_pair(std::move(plain), json::array());
  }
  return std::make_pair(std::move(original), std::move(plain));
}

// mergeSliceWithoutSpecialElements: items with a known merge key merge into the original
// item, others are appended.
Expected<json::array> merge_slice_without_special_elements(json::array original, const json::array& patch,
                                                           std::string_view merge_key, SchemaCursor at,
                                                           const MergeOptions& options, AliasedList* aliased) {
  for (const auto& item : patch) {
    const json::value* key = item.get_object().if_contains(merge_key);
    if (key == nullptr) return err_no_merge_key(item, merge_key);
    auto found = find_map_in_slice(original, merge_key, *key);
    if (!found) return found.error();
    if (found->has_value()) {
      json::value& target = original[**found];
      auto merged = merge_map(std::move(target.get_object()), item.get_object(), at, options);
      if (!merged) return merged.error();
      target = std::move(*merged);
      if (aliased != nullptr) aliased->assign(**found, target);
    } else {
      if (aliased != nullptr) aliased->append(original.size(), item);
      original.push_back(item);
    }
  }
  return original;
}

Expected<json::array> merge_slice(json::array original, json::array patch, SchemaCursor at,
                                  std::string_view merge_key, const MergeOptions& options, bool is_delete_list,
                                  AliasedList* aliased) {
  if (original.empty() && patch.empty()) return original;
  auto kind = slice_element_type({&original, &patch});
  if (!kind) return kind.error();

  json::array merged;
  if (*kind != GoKind::kMap) {
    if (options.merge_parallel_list && is_delete_list) return delete_from_slice(original, patch);
    merged = original;
    for (const auto& item : patch) merged.push_back(item);
    merged = deduplicate_scalars(std::move(merged));
  } else {
    if (merge_key.empty()) {
      return make_error(fmt::format("cannot merge lists without merge key for {}",
                                    at.type.empty() ? std::string_view("unknown type") : at.type));
    }
    auto split = merge_slice_with_special_elements(std::move(original), patch, merge_key, aliased);
    if (!split) return split.error();
    original = std::move(split->first);
    patch = std::move(split->second);
    auto result = merge_slice_without_special_elements(original, patch, merge_key, at, options, aliased);
    if (!result) return result.error();
    merged = std::move(*result);
  }

  // Enforce the order: patch items as in the patch, the others as in the original.
  std::pair<json::array, json::array> parts;
  if (merge_key.empty()) {
    parts = partition_primitives(merged, patch);
  } else {
    auto split = partition_maps(merged, patch, merge_key);
    if (!split) return split.error();
    parts = std::move(*split);
  }
  return normalize_element_order(std::move(parts.first), std::move(parts.second), patch, original, merge_key,
                                 *kind);
}

// Reads an optional list member; absent is fine, anything but a list is not.
Expected<std::optional<json::array>> list_member(const json::object& map, std::string_view key) {
  const json::value* v = map.if_contains(key);
  if (v == nullptr) return std::optional<json::array>();
  if (!v->is_array()) return err_bad_arg_type(GoKind::kSlice, *v);
  return std::optional<json::array>(v->get_array());
}

// Merges one $setElementOrder list and the list it orders (the body of mergePatchIntoOriginal).
Status merge_ordered_list(json::object& original, json::object& patch, std::string_view directive_key,
                          const json::value& set_order_value, SchemaCursor at, const MergeOptions& options) {
  if (!set_order_value.is_array()) return err_bad_arg_type(GoKind::kSlice, set_order_value);
  const json::array& set_order = set_order_value.get_array();
  auto key = extract_key(directive_key, kSetElementOrderPrefix);
  if (!key) return key.error();
  auto original_list = list_member(original, *key);
  if (!original_list) return original_list.error();
  auto patch_list = list_member(patch, *key);
  if (!patch_list) return patch_list.error();

  const FieldPatchMeta* meta = at.field(*key);
  FieldStrategy field = strategy_of(meta);
  json::array original_items = original_list->value_or(json::array());
  json::array patch_items = patch_list->value_or(json::array());
  if (auto s = validate_patch_with_set_order_list(patch_items, set_order, field.merge_key); !s) return s;

  json::array merged;
  if (original_list->has_value() && !patch_list->has_value()) {
    merged = original_items;
  } else if (!original_list->has_value() && patch_list->has_value()) {
    merged = remove_directives(json::value(patch_items)).first.get_array();
  } else if (original_list->has_value() && patch_list->has_value()) {
    AliasedList aliased{original_items};
    auto result = merge_slice_handler(original_items, patch_items, at.child(meta), field, false, options, &aliased);
    if (!result) return result.error();
    merged = std::move(*result);
    original_items = std::move(aliased.backing);  // The live order, as upstream then reads it.
  } else {
    return Ok{};
  }

  std::pair<json::array, json::array> parts;
  if (field.merge_key.empty()) {
    parts = partition_primitives(merged, set_order);
  } else {
    auto split = partition_maps(merged, set_order, field.merge_key);
    if (!split) return split.error();
    parts = std::move(*split);
  }
  auto kind = slice_element_type({&original_items, &patch_items});
  if (!kind) return kind.error();
  auto ordered = normalize_element_order(std::move(parts.first), std::move(parts.second), set_order,
                                         original_items, field.merge_key, *kind);
  if (!ordered) return ordered.error();
  original[*key] = std::move(*ordered);
  patch.erase(*key);  // Merged now; the main loop must not merge it again.
  return Ok{};
}

// mergePatchIntoOriginal: handles each $setElementOrder directive with its list. When two
// patches are merged, the directive is also copied into the result.
Status merge_patch_into_original(json::object& original, json::object& patch, SchemaCursor at,
                                 const MergeOptions& options) {
  std::vector<std::string> directive_keys;
  for (const auto& [key, value] : patch) {
    (void)value;
    if (starts_with(key, kSetElementOrderPrefix)) directive_keys.emplace_back(key);
  }
  for (const auto& directive_key : directive_keys) {
    json::value set_order = patch.at(directive_key);
    if (!options.merge_parallel_list) {
      if (const json::value* existing = original.if_contains(directive_key)) {
        if (!json_equal(*existing, set_order)) return err_bad_patch_format_for_set_element_order_list();
      } else {
        original[directive_key] = set_order;
      }
    }
    patch.erase(directive_key);
    if (auto s = merge_ordered_list(original, patch, directive_key, set_order, at, options); !s) return s;
  }
  return Ok{};
}

// Stores a patch value for which there is nothing to merge with, as upstream does.
void take_patch_value(json::object& original, const std::string& key, json::value patch_value,
                      const MergeOptions& options) {
  if (options.ignore_unmatched_nulls) discard_null_values(patch_value);
  auto [cleaned, keep] = remove_directives(std::move(patch_value));
  if (keep) {
    original[key] = std::move(cleaned);
  } else {
    original.erase(key);
  }
}

// Merges one member of the patch into `original` (the loop body of mergeMap).
Status merge_member(json::object& original, std::string key, json::value patch_value, SchemaCursor at,
                    const MergeOptions& options) {
  bool is_delete_list = false;
  if (starts_with(key, kDeleteFromPrimitiveListPrefix)) {
    if (!options.merge_parallel_list) {  // Merging two patches: keep the directive.
      original[key] = std::move(patch_value);
      return Ok{};
    }
    auto list_key = extract_key(key, kDeleteFromPrimitiveListPrefix);
    if (!list_key) return list_key.error();
    is_delete_list = true;
    if (!list_key->empty()) key = std::move(*list_key);
  }

  if (patch_value.is_null()) {
    original.erase(key);
    if (options.ignore_unmatched_nulls) return Ok{};
  }

  json::value* original_value = original.if_contains(key);
  if (original_value == nullptr || go_kind(*original_value) != go_kind(patch_value)) {
    if (!is_delete_list) take_patch_value(original, key, std::move(patch_value), options);
    return Ok{};
  }

  const FieldPatchMeta* meta = at.field(key);
  FieldStrategy field = strategy_of(meta);
  if (original_value->is_object()) {
    if (field.strategy == PatchStrategy::kReplace) {
      *original_value = std::move(patch_value);
      return Ok{};
    }
    auto merged = merge_map(std::move(original_value->get_object()), std::move(patch_value.get_object()),
                            at.child(meta), options);
    if (!merged) return merged.error();
    *original_value = std::move(*merged);
  } else if (original_value->is_array()) {
    auto merged = merge_slice_handler(std::move(original_value->get_array()), std::move(patch_value.get_array()),
                                      at.child(meta), field, is_delete_list, options);
    if (!merged) return merged.error();
    *original_value = std::move(*merged);
  } else {
    take_patch_value(original, key, std::move(patch_value), MergeOptions{});
  }
  return Ok{};
}

}  // namespace

Expected<json::object> merge_map(json::object original, json::object patch, SchemaCursor at,
                                 const MergeOptions& options) {
  if (const json::value* directive = patch.if_contains(kDirectiveMarker)) {
    json::value directive_copy = *directive;
    return handle_directive_in_merge_map(directive_copy, std::move(patch));
  }
  if (auto s = apply_retain_keys_directive(original, patch, options); !s) return s.error();
  if (auto s = merge_patch_into_original(original, patch, at, options); !s) return s.error();
  for (auto& [key, value] : patch) {
    if (auto s = merge_member(original, std::string(key), std::move(value), at, options); !s) return s.error();
  }
  return original;
}

}  // namespace kscratch::apimachinery::patch_detail
