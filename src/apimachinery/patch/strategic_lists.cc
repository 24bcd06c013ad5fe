// List helpers of the strategic merge patch port: element types, merge-key lookups,
// deduplication, and the ordering rules of the "preserve order in strategic merge patch"
// design (patch order first, then the live object's order for server-only items).

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "strategic_internal.h"

namespace kscratch::apimachinery::patch_detail {

Error err_bad_arg_type(GoKind expected, const json::value& actual) {
  return make_error(fmt::format("expected a {}, but received a {}", go_kind_name(expected),
                                go_kind_name(go_kind(actual))));
}

Error err_no_merge_key(const json::value& map, std::string_view merge_key) {
  return make_error(fmt::format("map: {} does not contain declared merge key: {}", go_format(map), merge_key));
}

Error err_bad_patch_type(const json::value& directive, const json::value& map) {
  return make_error(fmt::format("unknown patch type: {} in map: {}", go_format(directive), go_format(map)));
}

Error err_no_list_of_lists() { return make_error("lists of lists are not supported"); }
Error err_bad_patch_format_for_primitive_list() { return make_error("invalid patch format of primitive list"); }
Error err_bad_patch_format_for_retain_keys() { return make_error("invalid patch format of retainKeys"); }
Error err_bad_patch_format_for_set_element_order_list() {
  return make_error("invalid patch format of setElementOrder list");
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

Expected<std::string> extract_key(std::string_view key, std::string_view prefix) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos || key.substr(0, slash) != prefix) {
    if (prefix == kDeleteFromPrimitiveListPrefix) return err_bad_patch_format_for_primitive_list();
    if (prefix == kSetElementOrderPrefix) return err_bad_patch_format_for_set_element_order_list();
    return make_error(fmt::format("fail to find unknown prefix \"{}\" in {}", prefix, key));
  }
  return std::string(key.substr(slash + 1));
}

Expected<GoKind> slice_element_type(std::initializer_list<const json::array*> lists) {
  std::optional<GoKind> previous;
  for (const json::array* list : lists) {
    for (const auto& item : *list) {
      GoKind kind = go_kind(item);
      if (!previous) {
        if (kind == GoKind::kSlice) return err_no_list_of_lists();
        previous = kind;
      }
      // Upstream cannot even take the type of a null element; it is no valid element here.
      if (kind != *previous || kind == GoKind::kNil) {
        std::string all;
        for (const json::array* l : lists) all += (all.empty() ? "" : " ") + go_format(json::value(*l));
        return make_error("list element types are not identical: [" + all + "]");
      }
    }
  }
  if (!previous) return make_error("no elements in any of the given slices");
  return *previous;
}

Expected<bool> merge_key_value_equal(const json::value& left, const json::value& right,
                                     std::string_view merge_key) {
  if (merge_key.empty()) return json_equal(left, right);
  if (!left.is_object()) return err_bad_arg_type(GoKind::kMap, left);
  if (!right.is_object()) return err_bad_arg_type(GoKind::kMap, right);
  const json::value* l = left.get_object().if_contains(merge_key);
  if (l == nullptr) return err_no_merge_key(left, merge_key);
  const json::value* r = right.get_object().if_contains(merge_key);
  if (r == nullptr) return err_no_merge_key(right, merge_key);
  return json_equal(*l, *r);
}

Expected<std::optional<std::size_t>> find_map_in_slice(const json::array& list, std::string_view key,
                                                       const json::value& value) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) return make_error(fmt::format("value for key {} is not a map", i));
    const json::value* candidate = list[i].get_object().if_contains(key);
    if (candidate != nullptr && json_equal(*candidate, value)) return std::optional<std::size_t>(i);
  }
  return std::optional<std::size_t>();
}

namespace {

bool is_delete_directive(const json::value& item) {
  const json::value* directive = item.is_object() ? item.get_object().if_contains(kDirectiveMarker) : nullptr;
  return directive != nullptr && directive->is_string() && directive->get_string() == kDeleteDirective;
}

// Upstream's index(): positions of items in a list, found by merge key value for objects
// (a non-object or a missing key counts as nil) and by value for scalars. Precomputed so
// that ordering stays O(n log n) on large lists.
class ListPositions {
 public:
  ListPositions(const json::array& list, std::string_view merge_key, GoKind kind)
      : merge_key_(merge_key), kind_(kind) {
    for (std::size_t i = 0; i < list.size(); ++i) first_.try_emplace(key_of(list[i]), i);
  }
  std::optional<std::size_t> find(const json::value& item) const {
    auto it = first_.find(key_of(item));
    if (it == first_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::string key_of(const json::value& item) const {
    if (kind_ != GoKind::kMap) return identity_key(item);
    const json::value* key = item.is_object() ? item.get_object().if_contains(merge_key_) : nullptr;
    return key == nullptr ? identity_key(json::value()) : identity_key(*key);
  }

  std::string merge_key_;
  GoKind kind_;
  std::unordered_map<std::string, std::size_t> first_;
};

// The items of `list` stably sorted by `keys`, which holds one precomputed key per item.
template <class Key>
json::array stable_sorted(json::array list, const std::vector<Key>& keys) {
  std::vector<std::size_t> order(list.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  json::array sorted;
  sorted.reserve(list.size());
  for (std::size_t i : order) sorted.push_back(std::move(list[i]));
  return sorted;
}

Status validate_merge_key_in_lists(std::string_view merge_key, std::initializer_list<const json::array*> lists) {
  for (const json::array* list : lists) {
    for (const auto& item : *list) {
      if (!item.is_object()) return err_bad_arg_type(GoKind::kMap, item);
      if (!item.get_object().contains(merge_key)) return err_no_merge_key(item, merge_key);
    }
  }
  return Ok{};
}

// mergeSortedSlice: interleaves `left` (server-only) into `right` (patch items). A left item
// goes first only when both are found in `server_order` and it comes earlier there.
json::array merge_sorted_slice(json::array left, json::array right, const json::array& server_order,
                               std::string_view merge_key, GoKind kind) {
  ListPositions positions(server_order, merge_key, kind);
  json::array merged;
  merged.reserve(left.size() + right.size());
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < left.size() || j < right.size()) {
    bool take_left;
    if (i >= left.size()) {
      take_left = false;
    } else if (j >= right.size()) {
      take_left = true;
    } else {
      auto li = positions.find(left[i]);
      auto ri = positions.find(right[j]);
      take_left = li && ri && *li < *ri;
    }
    merged.push_back(take_left ? std::move(left[i++]) : std::move(right[j++]));
  }
  return merged;
}

}  // namespace

Expected<std::pair<json::array, json::array>> extract_to_delete_items(json::array list) {
  json::array keep;
  json::array to_delete;
  for (auto& item : list) {
    if (!item.is_object()) return err_bad_arg_type(GoKind::kMap, item);
    (is_delete_directive(item) ? to_delete : keep).push_back(std::move(item));
  }
  return std::make_pair(std::move(keep), std::move(to_delete));
}

json::array deduplicate_scalars(json::array list) {
  // Most lists have no duplicates; only lists with some pay for the quadratic algorithm.
  std::unordered_set<std::string> seen;
  bool has_duplicates = false;
  for (const auto& item : list) {
    if (!seen.insert(identity_key(item)).second) {
      has_duplicates = true;
      break;
    }
  }
  if (!has_duplicates) return list;
  // Upstream's algorithm moves the last element into each duplicate's place, and the order it
  // leaves shows in $deleteFromPrimitiveList lists, so it is reproduced as is.
  std::size_t length = list.size() - 1;
  for (std::size_t i = 0; i < length; ++i) {
    for (std::size_t j = i + 1; j <= length; ++j) {
      if (json_equal(list[i], list[j])) {
        if (j != length) list[j] = list[length];
        list.resize(length);
        --length;
        --j;
      }
    }
  }
  return list;
}

json::array sort_scalars(json::array list) {
  std::vector<std::string> keys;
  keys.reserve(list.size());
  for (const auto& item : list) keys.push_back(go_format(item));
  return stable_sorted(std::move(list), keys);
}

json::array delete_from_slice(const json::array& current, const json::array& to_delete) {
  std::unordered_set<std::string> doomed;
  for (const auto& item : to_delete) doomed.insert(identity_key(item));
  json::array kept;
  for (const auto& item : current) {
    if (doomed.count(identity_key(item)) == 0) kept.push_back(item);
  }
  return kept;
}

std::pair<json::array, json::array> partition_primitives(const json::array& list,
                                                         const json::array& partition_by) {
  std::unordered_set<std::string> in_patch;
  for (const auto& item : partition_by) in_patch.insert(identity_key(item));
  json::array patch;
  json::array server_only;
  for (const auto& item : list) (in_patch.count(identity_key(item)) ? patch : server_only).push_back(item);
  return {std::move(patch), std::move(server_only)};
}

Expected<std::pair<json::array, json::array>> partition_maps(const json::array& list,
                                                             const json::array& partition_by,
                                                             std::string_view merge_key) {
  json::array patch;
  json::array server_only;
  for (const auto& item : list) {
    if (!item.is_object()) return err_bad_arg_type(GoKind::kMap, item);
    const json::value* key = item.get_object().if_contains(merge_key);
    if (key == nullptr) return err_no_merge_key(item, merge_key);
    auto found = find_map_in_slice(partition_by, merge_key, *key);
    if (!found) return found.error();
    (found->has_value() ? patch : server_only).push_back(item);
  }
  return std::make_pair(std::move(patch), std::move(server_only));
}

Expected<json::array> normalize_slice_order(json::array to_sort, const json::array& order,
                                            std::string_view merge_key, GoKind kind) {
  json::array to_delete;
  if (kind == GoKind::kMap) {
    if (auto s = validate_merge_key_in_lists(merge_key, {&to_sort, &order}); !s) return s.error();
    auto split = extract_to_delete_items(std::move(to_sort));
    if (!split) return split.error();
    to_sort = std::move(split->first);
    to_delete = std::move(split->second);
  }
  // Upstream's comparator puts items missing from `order` anywhere (it is no ordering then);
  // here they keep their relative order after the found ones.
  ListPositions positions(order, merge_key, kind);
  std::vector<std::size_t> keys;
  keys.reserve(to_sort.size());
  for (const auto& item : to_sort) {
    keys.push_back(positions.find(item).value_or(std::numeric_limits<std::size_t>::max()));
  }
  json::array sorted = stable_sorted(std::move(to_sort), keys);
  for (auto& item : to_delete) sorted.push_back(std::move(item));
  return sorted;
}

Expected<json::array> normalize_element_order(json::array patch, json::array server_only,
                                              const json::array& patch_order,
                                              const json::array& server_order,
                                              std::string_view merge_key, GoKind kind) {
  auto sorted_patch = normalize_slice_order(std::move(patch), patch_order, merge_key, kind);
  if (!sorted_patch) return sorted_patch.error();
  auto sorted_server = normalize_slice_order(std::move(server_only), server_order, merge_key, kind);
  if (!sorted_server) return sorted_server.error();
  return merge_sorted_slice(std::move(*sorted_server), std::move(*sorted_patch), server_order, merge_key, kind);
}

}  // namespace kscratch::apimachinery::patch_detail
