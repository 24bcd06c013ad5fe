// RFC 7386 JSON merge patch (application/merge-patch+json) and kubectl apply's three-way
// merge patch for kinds without a strategic schema (jsonmergepatch.CreateThreeWayJSONMergePatch).

#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "json_support.h"
#include "kscratch/apimachinery/patch.h"

namespace kscratch::apimachinery {

namespace json = boost::json;
using patch_detail::go_kind;
using patch_detail::GoKind;
using patch_detail::json_equal;

boost::json::value apply_merge_patch(const json::value& doc, const json::value& patch) {
  if (!patch.is_object()) return patch;
  json::value result = doc;
  if (!result.is_object()) result = json::object();
  // An explicit stack instead of recursion: merge patches arrive from clients and may nest
  // arbitrarily deep, and this function has no error to report.
  std::vector<std::pair<json::object*, const json::object*>> pending{
      {&result.get_object(), &patch.get_object()}};
  while (!pending.empty()) {
    auto [target, source] = pending.back();
    pending.pop_back();
    std::vector<std::string_view> nested;
    for (const auto& [key, value] : *source) {
      if (value.is_null()) {
        target->erase(key);
      } else if (value.is_object()) {
        json::value& slot = (*target)[key];
        if (!slot.is_object()) slot = json::object();
        nested.push_back(key);
      } else {
        target->insert_or_assign(key, value);
      }
    }
    // Inserting into `target` may move its members, so pointers to them are taken only after
    // this level is complete; merging into a member does not move its siblings.
    for (std::string_view key : nested) {
      pending.emplace_back(&target->at(key).get_object(), &source->at(key).get_object());
    }
  }
  return result;
}

namespace {

// evanphx's getDiff: the merge patch turning object `from` into object `to`.
json::object create_merge_patch(const json::object& from, const json::object& to) {
  json::object patch;
  for (const auto& [key, to_value] : to) {
    const json::value* from_value = from.if_contains(key);
    if (from_value == nullptr) {
      patch[key] = to_value;
    } else if (from_value->is_object() && to_value.is_object()) {
      json::object nested = create_merge_patch(from_value->get_object(), to_value.get_object());
      if (!nested.empty()) patch[key] = std::move(nested);
    } else if (!json_equal(*from_value, to_value)) {
      patch[key] = to_value;
    }
  }
  for (const auto& [key, value] : from) {
    (void)value;
    if (!to.contains(key)) patch[key] = nullptr;
  }
  return patch;
}

// jsonmergepatch's keepOrDeleteNullInObj: keep_null keeps only the deletions (nulls) of a
// patch, otherwise only its additions and changes. An explicitly empty object is a value.
json::object keep_or_delete_null(const json::object& patch, bool keep_null) {
  json::object filtered;
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      if (keep_null) filtered[key] = nullptr;
    } else if (value.is_object()) {
      if (value.get_object().empty()) {
        if (!keep_null) filtered[key] = value;
        continue;
      }
      json::object nested = keep_or_delete_null(value.get_object(), keep_null);
      if (!nested.empty()) filtered[key] = std::move(nested);
    } else if (!keep_null) {
      filtered[key] = value;  // Lists are replaced whole in JSON merge patch.
    }
  }
  return filtered;
}

// mergepatch.HasConflicts: whether two patches set some key differently.
bool has_conflicts(const json::value& left, const json::value& right) {
  GoKind kind = go_kind(left);
  if (kind == GoKind::kMap) {
    if (!right.is_object()) return true;
    for (const auto& [key, value] : left.get_object()) {
      const json::value* other = right.get_object().if_contains(key);
      if (other != nullptr && has_conflicts(value, *other)) return true;
    }
    return false;
  }
  if (kind == GoKind::kSlice) {
    if (!right.is_array()) return true;
    const auto& l = left.get_array();
    const auto& r = right.get_array();
    if (l.size() != r.size()) return true;
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (has_conflicts(l[i], r[i])) return true;
    }
    return false;
  }
  return !json_equal(left, right);
}

// The documents must be JSON objects; null stands for an empty one, as an absent
// last-applied annotation does upstream.
Expected<json::object> as_document(const json::value& v, std::string_view what) {
  if (auto s = patch_detail::check_nesting(v, what); !s) return s.error();
  if (v.is_null()) return json::object();
  if (!v.is_object()) return make_error("Invalid JSON Document");
  return v.get_object();
}

}  // namespace

Expected<json::value> create_three_way_json_merge_patch(const json::value& original,
                                                        const json::value& modified,
                                                        const json::value& current) {
  auto original_doc = as_document(original, "the original document");
  if (!original_doc) return original_doc.error();
  auto modified_doc = as_document(modified, "the modified document");
  if (!modified_doc) return modified_doc.error();
  auto current_doc = as_document(current, "the current document");
  if (!current_doc) return current_doc.error();

  json::value additions_and_changes =
      keep_or_delete_null(create_merge_patch(*current_doc, *modified_doc), false);
  json::value deletions = keep_or_delete_null(create_merge_patch(*original_doc, *modified_doc), true);
  if (has_conflicts(additions_and_changes, deletions)) {
    return make_error("the additions and changes conflict with the deletions of the merge patch");
  }
  return apply_merge_patch(deletions, additions_and_changes);
}

}  // namespace kscratch::apimachinery
