// Creating a strategic merge patch: strategicpatch.diffMaps and what it calls. The options
// let the three-way patch compute additions/changes and deletions separately.

#include <string>
#include <utility>

#include <fmt/format.h>

#include "strategic_internal.h"

namespace kscratch::apimachinery::patch_detail {

namespace {

// The three lists a merge-strategy list diff yields.
struct ListDiff {
  json::array patch_list;   // Added or changed items (and `$patch: delete` items for maps).
  json::array delete_list;  // Removed primitives, sent as $deleteFromPrimitiveList/<field>.
  json::array set_order;    // The new order, sent as $setElementOrder/<field>.
};

// replacePatchFieldIfNotEqual.
void replace_if_not_equal(std::string_view key, const json::value& original, const json::value& modified,
                          json::object& patch, const DiffOptions& options) {
  if (options.ignore_changes_and_additions || json_equal(original, modified)) return;
  patch[key] = modified;
}

// hasAdditionalNewField: whether `original` has a non-null key that `modified` lacks.
bool has_additional_new_field(const json::object& original, const json::object& modified) {
  for (const auto& [key, value] : original) {
    if (!value.is_null() && !modified.contains(key)) return true;
  }
  return false;
}

// sortMergeListsByNameArray without recursion: objects sorted by the %v text of their merge
// key (so 10 sorts before 9, as upstream), scalars deduplicated and sorted.
Expected<json::array> sort_by_merge_key(json::array list, std::string_view merge_key) {
  if (list.empty()) return list;
  auto kind = slice_element_type({&list});
  if (!kind) return kind.error();
  if (*kind != GoKind::kMap) return sort_scalars(deduplicate_scalars(std::move(list)));
  std::vector<std::string> keys;
  keys.reserve(list.size());
  for (const auto& item : list) {
    const json::value* key = item.get_object().if_contains(merge_key);
    keys.push_back(key == nullptr ? "<nil>" : go_format(*key));
  }
  std::vector<std::size_t> order(list.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  json::array sorted;
  sorted.reserve(list.size());
  for (std::size_t i : order) sorted.push_back(std::move(list[i]));
  return sorted;
}

// getMapAndMergeKeyValueByIndex.
Expected<std::pair<const json::object*, const json::value*>> map_and_merge_key(const json::value& item,
                                                                               std::string_view merge_key) {
  if (!item.is_object()) return err_bad_arg_type(GoKind::kMap, item);
  const json::value* key = item.get_object().if_contains(merge_key);
  if (key == nullptr) return err_no_merge_key(item, merge_key);
  return std::make_pair(&item.get_object(), key);
}

// diffListsOfScalars: a merge walk over both lists sorted by %v text.
std::pair<json::array, json::array> diff_lists_of_scalars(const json::array& original, const json::array& modified,
                                                          const DiffOptions& options) {
  json::array sorted_original = sort_scalars(original);
  json::array sorted_modified = sort_scalars(modified);
  json::array additions;
  json::array deletions;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < sorted_original.size() || j < sorted_modified.size()) {
    bool has_original = i < sorted_original.size();
    bool has_modified = j < sorted_modified.size();
    std::string o = has_original ? go_format(sorted_original[i]) : "";
    std::string m = has_modified ? go_format(sorted_modified[j]) : "";
    if (has_original && has_modified && o == m) {
      ++i;
      ++j;
    } else if (!has_original || (has_modified && o > m)) {
      if (!options.ignore_changes_and_additions) additions.push_back(sorted_modified[j]);
      ++j;
    } else {
      if (!options.ignore_deletions) deletions.push_back(sorted_original[i]);
      ++i;
    }
  }
  return {std::move(additions), deduplicate_scalars(std::move(deletions))};
}

// diffListsOfMaps: changed items as patches carrying their merge key, added items whole,
// removed items as `{<mergeKey>: <value>, $patch: delete}`.
Expected<std::pair<json::array, json::array>> diff_lists_of_maps(const json::array& original,
                                                                 const json::array& modified, SchemaCursor at,
                                                                 std::string_view merge_key,
                                                                 const DiffOptions& options) {
  auto sorted_original = sort_by_merge_key(original, merge_key);
  if (!sorted_original) return sorted_original.error();
  auto sorted_modified = sort_by_merge_key(modified, merge_key);
  if (!sorted_modified) return sorted_modified.error();
  json::array patch;
  json::array deletions;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < sorted_original->size() || j < sorted_modified->size()) {
    bool has_original = i < sorted_original->size();
    bool has_modified = j < sorted_modified->size();
    std::pair<const json::object*, const json::value*> o{};
    std::pair<const json::object*, const json::value*> m{};
    if (has_original) {
      auto found = map_and_merge_key((*sorted_original)[i], merge_key);
      if (!found) return found.error();
      o = *found;
    }
    if (has_modified) {
      auto found = map_and_merge_key((*sorted_modified)[j], merge_key);
      if (!found) return found.error();
      m = *found;
    }
    std::string o_key = has_original ? go_format(*o.second) : "";
    std::string m_key = has_modified ? go_format(*m.second) : "";
    if (has_original && has_modified && o_key == m_key) {
      auto item_patch = diff_maps(*o.first, *m.first, at, options);
      if (!item_patch) return item_patch.error();
      if (!item_patch->empty()) {
        (*item_patch)[merge_key] = *m.second;
        patch.push_back(std::move(*item_patch));
      }
      ++i;
      ++j;
    } else if (!has_original || (has_modified && o_key > m_key)) {
      if (!options.ignore_changes_and_additions) patch.push_back(*m.first);
      ++j;
    } else {
      if (!options.ignore_deletions) {
        json::object directive;
        directive[merge_key] = *o.second;
        directive[kDirectiveMarker] = kDeleteDirective;
        deletions.push_back(std::move(directive));
      }
      ++i;
    }
  }
  return std::make_pair(std::move(patch), std::move(deletions));
}

// isOrderSame: whether both lists hold the same merge keys in the same order.
Expected<bool> is_order_same(const json::array& original, const json::array& modified, std::string_view merge_key) {
  if (original.size() != modified.size()) return false;
  for (std::size_t i = 0; i < modified.size(); ++i) {
    auto equal = merge_key_value_equal(original[i], modified[i], merge_key);
    if (!equal || !*equal) return equal;
  }
  return true;
}

// diffLists: for merge-strategy lists.
Expected<ListDiff> diff_lists(const json::array& original, const json::array& modified, SchemaCursor at,
                              std::string_view merge_key, const DiffOptions& options) {
  ListDiff diff;
  if (original.empty()) {
    // Nothing to merge with: the whole new list is the patch.
    if (!modified.empty() && !options.ignore_changes_and_additions) diff.patch_list = modified;
    return diff;
  }
  auto kind = slice_element_type({&original, &modified});
  if (!kind) return kind.error();
  if (*kind == GoKind::kMap) {
    auto lists = diff_lists_of_maps(original, modified, at, merge_key, options);
    if (!lists) return lists.error();
    auto ordered = normalize_slice_order(std::move(lists->first), modified, merge_key, *kind);
    if (!ordered) return ordered.error();
    auto order_same = is_order_same(original, modified, merge_key);
    if (!order_same) return order_same.error();
    diff.patch_list = std::move(*ordered);
    for (auto& deletion : lists->second) diff.patch_list.push_back(std::move(deletion));
    bool content_changed = !diff.patch_list.empty();
    if (options.set_element_order &&
        ((!options.ignore_changes_and_additions && (content_changed || !*order_same)) ||
         (!options.ignore_deletions && content_changed))) {
      for (const auto& item : modified) {
        json::object entry;
        const json::value* key = item.get_object().if_contains(merge_key);
        entry[merge_key] = key == nullptr ? json::value() : *key;
        diff.set_order.push_back(std::move(entry));
      }
    }
    return diff;
  }
  auto [additions, deletions] = diff_lists_of_scalars(original, modified, options);
  auto ordered = normalize_slice_order(std::move(additions), modified, merge_key, *kind);
  if (!ordered) return ordered.error();
  diff.patch_list = std::move(*ordered);
  diff.delete_list = std::move(deletions);
  if (options.set_element_order && ((!options.ignore_deletions && !diff.delete_list.empty()) ||
                                    (!options.ignore_changes_and_additions && !json_equal(json::value(original),
                                                                                          json::value(modified))))) {
    diff.set_order = modified;
  }
  return diff;
}

// handleMapDiff: a "replace" map is sent whole; others are diffed, building $retainKeys when
// the field says so.
Status handle_map_diff(std::string_view key, const json::object& original, const json::object& modified,
                       json::object& patch, SchemaCursor at, DiffOptions options) {
  const FieldPatchMeta* meta = at.field(key);
  options.build_retain_keys_directive = meta != nullptr && meta->retain_keys;
  if (meta != nullptr && meta->strategy == PatchStrategy::kReplace) {
    if (!options.ignore_changes_and_additions) patch[key] = modified;
    return Ok{};
  }
  auto nested = diff_maps(original, modified, at.child(meta), options);
  if (!nested) return nested.error();
  if (!nested->empty()) patch[key] = std::move(*nested);
  return Ok{};
}

// handleSliceDiff: merge lists are diffed item by item; others are replaced when different.
Status handle_slice_diff(std::string_view key, const json::array& original, const json::array& modified,
                         json::object& patch, SchemaCursor at, DiffOptions options) {
  const FieldPatchMeta* meta = at.field(key);
  if (meta == nullptr || meta->strategy != PatchStrategy::kMerge) {
    replace_if_not_equal(key, json::value(original), json::value(modified), patch, options);
    return Ok{};
  }
  options.build_retain_keys_directive = meta->retain_keys;
  auto diff = diff_lists(original, modified, at.child(meta), meta->merge_key, options);
  if (!diff) return diff.error();
  if (!diff->patch_list.empty()) patch[key] = std::move(diff->patch_list);
  if (!diff->delete_list.empty()) {
    patch[fmt::format("{}/{}", kDeleteFromPrimitiveListPrefix, key)] = std::move(diff->delete_list);
  }
  if (!diff->set_order.empty()) {
    patch[fmt::format("{}/{}", kSetElementOrderPrefix, key)] = std::move(diff->set_order);
  }
  return Ok{};
}

}  // namespace

Expected<json::object> diff_maps(const json::object& original, const json::object& modified, SchemaCursor at,
                                 DiffOptions options) {
  json::object patch;
  json::array retain_keys;
  for (const auto& [key, modified_value] : modified) {
    if (options.build_retain_keys_directive && !modified_value.is_null()) retain_keys.emplace_back(key);
    const json::value* original_value = original.if_contains(key);
    if (original_value == nullptr) {
      if (!options.ignore_changes_and_additions) patch[key] = modified_value;
      continue;
    }
    if (key == kDirectiveMarker) {
      if (!original_value->is_string() || !modified_value.is_string()) {
        return make_error(fmt::format("invalid value for special key: {}", kDirectiveMarker));
      }
      if (original_value->get_string() != modified_value.get_string()) patch[key] = modified_value;
      continue;
    }
    if (go_kind(*original_value) != go_kind(modified_value)) {
      if (!options.ignore_changes_and_additions) patch[key] = modified_value;
      continue;
    }
    Status status = Ok{};
    if (modified_value.is_object()) {
      status = handle_map_diff(key, original_value->get_object(), modified_value.get_object(), patch, at, options);
    } else if (modified_value.is_array()) {
      status = handle_slice_diff(key, original_value->get_array(), modified_value.get_array(), patch, at, options);
    } else {
      replace_if_not_equal(key, *original_value, modified_value, patch, options);
    }
    if (!status) return status.error();
  }
  if (!options.ignore_deletions) {
    for (const auto& [key, value] : original) {
      (void)value;
      if (!modified.contains(key)) patch[key] = nullptr;
    }
  }
  if (!retain_keys.empty() && (!patch.empty() || has_additional_new_field(original, modified))) {
    patch[kRetainKeysDirective] = sort_scalars(std::move(retain_keys));
  }
  return patch;
}

}  // namespace kscratch::apimachinery::patch_detail
