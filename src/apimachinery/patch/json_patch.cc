// RFC 6902 JSON patch as the apiserver applies application/json-patch+json, which is
// gopkg.in/evanphx/json-patch.v4: its error texts, negative array indices counting from the
// end, and "replace" of a missing object member adding it. Where v4 would corrupt data or
// panic (a missing "value", a malformed pointer, copying a missing member) this refuses instead.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "json_pointer.h"
#include "json_support.h"
#include "kscratch/apimachinery/patch.h"

namespace kscratch::apimachinery {

namespace json = boost::json;
using patch_detail::json_equal;
using patch_detail::parse_array_index;
using patch_detail::parse_json_pointer;

namespace {

// The apiserver refuses patches with more operations than this (maxJSONPatchOperations).
constexpr std::size_t kMaxOperations = 10000;
// Bounds what "copy" may add in total, as evanphx's AccumulatedCopySizeLimit does in bytes;
// repeated copies of a subtree into itself would otherwise grow the document exponentially.
constexpr std::size_t kMaxCopiedValues = 1'000'000;

// evanphx wraps its sentinel errors, so messages end in the sentinel's text.
constexpr const char* kMissing = "missing value";
constexpr const char* kInvalidIndex = "invalid index referenced";

using Tokens = std::vector<std::string>;

// One operation's string member, or nullopt when absent or not a string.
std::optional<std::string> string_member(const json::object& op, std::string_view name) {
  auto it = op.find(name);
  if (it == op.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

// An array position for get/replace/remove: negative counts from the end, as in v4.
Expected<std::size_t> existing_index(const json::array& arr, const std::string& token) {
  auto idx = parse_array_index(token);
  if (!idx) return idx.error();
  auto size = static_cast<std::int64_t>(arr.size());
  std::int64_t i = *idx;
  if (i < 0) {
    if (i < -size) {
      return make_error(fmt::format("Unable to access invalid index: {}: {}", i, kInvalidIndex));
    }
    i += size;
  }
  if (i >= size) {
    return make_error(fmt::format("Unable to access invalid index: {}: {}", i, kInvalidIndex));
  }
  return static_cast<std::size_t>(i);
}

// An array position for add: one past the end is allowed, and "-" means exactly that.
Expected<std::size_t> insertion_index(const json::array& arr, const std::string& token) {
  if (token == "-") return arr.size();
  auto idx = parse_array_index(token);
  if (!idx) {
    return make_error(fmt::format("value was not a proper array index: '{}': {}", token,
                                  idx.error().message));
  }
  auto slots = static_cast<std::int64_t>(arr.size()) + 1;
  std::int64_t i = *idx;
  if (i >= slots || i < -slots) {
    return make_error(fmt::format("Unable to access invalid index: {}: {}", i, kInvalidIndex));
  }
  if (i < 0) i += slots;
  return static_cast<std::size_t>(i);
}

class JsonPatcher {
 public:
  explicit JsonPatcher(json::value doc) : doc_(std::move(doc)) {}

  Status apply(const json::value& operation);
  json::value take() && { return std::move(doc_); }

 private:
  Status add(const json::object& op);
  Status remove(const json::object& op);
  Status replace(const json::object& op);
  Status move(const json::object& op);
  Status copy(const json::object& op);
  Status test(const json::object& op);

  // The container holding the last token of `path` (evanphx's findObject), or nullptr when
  // the path is malformed or an intermediate value is missing or not a container.
  json::value* find_container(const std::string& path, std::string* key);
  // Inserts `value` at `key` of `container`, as add does for objects and arrays.
  Status insert(json::value& container, const std::string& key, json::value value);
  // Refuses a value whose insertion at `path` would nest the document too deep.
  Status check_depth_after_insert(const std::string& path, const json::value& value);

  json::value doc_;
  std::size_t copied_values_ = 0;
};

json::value* JsonPatcher::find_container(const std::string& path, std::string* key) {
  auto tokens = parse_json_pointer(path);
  if (!tokens || tokens->empty()) return nullptr;
  json::value* current = &doc_;
  for (std::size_t i = 0; i + 1 < tokens->size(); ++i) {
    const std::string& token = (*tokens)[i];
    if (current->is_object()) {
      auto* next = current->get_object().if_contains(token);
      if (next == nullptr) return nullptr;
      current = next;
    } else if (current->is_array()) {
      auto idx = existing_index(current->get_array(), token);
      if (!idx) return nullptr;
      current = &current->get_array()[*idx];
    } else {
      return nullptr;
    }
  }
  if (!current->is_object() && !current->is_array()) return nullptr;
  *key = tokens->back();
  return current;
}

Status JsonPatcher::insert(json::value& container, const std::string& key, json::value value) {
  if (container.is_object()) {
    container.get_object().insert_or_assign(key, std::move(value));
    return Ok{};
  }
  auto& arr = container.get_array();
  auto idx = insertion_index(arr, key);
  if (!idx) return idx.error();
  arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(*idx), std::move(value));
  return Ok{};
}

Status JsonPatcher::check_depth_after_insert(const std::string& path, const json::value& value) {
  auto tokens = parse_json_pointer(path);
  std::size_t depth = (tokens ? tokens->size() : 0) + patch_detail::nesting_depth(value);
  if (depth > kMaxPatchNestingDepth) {
    return make_error(fmt::format("the value at {} would nest the document deeper than the limit of {} levels",
                                  path, kMaxPatchNestingDepth));
  }
  return Ok{};
}

Status JsonPatcher::add(const json::object& op) {
  auto path = string_member(op, "path");
  if (!path) return make_error(fmt::format("add operation failed to decode path: {}", kMissing));
  const json::value* value = op.if_contains("value");
  if (value == nullptr) {
    return make_error(fmt::format("add operation does not apply: missing value field: {}", kMissing));
  }
  if (auto s = check_depth_after_insert(*path, *value); !s) return s;
  if (path->empty()) {  // RFC 6902: adding at the root replaces the document.
    doc_ = *value;
    return Ok{};
  }
  std::string key;
  json::value* container = find_container(*path, &key);
  if (container == nullptr) {
    return make_error(
        fmt::format("add operation does not apply: doc is missing path: \"{}\": {}", *path, kMissing));
  }
  if (auto s = insert(*container, key, *value); !s) {
    return make_error(fmt::format("error in add for path: '{}': {}", *path, s.error().message));
  }
  return Ok{};
}

Status JsonPatcher::remove(const json::object& op) {
  auto path = string_member(op, "path");
  if (!path) return make_error(fmt::format("remove operation failed to decode path: {}", kMissing));
  std::string key;
  json::value* container = find_container(*path, &key);
  if (container == nullptr) {
    return make_error(
        fmt::format("remove operation does not apply: doc is missing path: \"{}\": {}", *path, kMissing));
  }
  if (container->is_object()) {
    if (!container->get_object().erase(key)) {
      return make_error(fmt::format("error in remove for path: '{}': Unable to remove nonexistent key: {}: {}",
                                    *path, key, kMissing));
    }
    return Ok{};
  }
  auto& arr = container->get_array();
  auto idx = existing_index(arr, key);
  if (!idx) return make_error(fmt::format("error in remove for path: '{}': {}", *path, idx.error().message));
  arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(*idx));
  return Ok{};
}

Status JsonPatcher::replace(const json::object& op) {
  auto path = string_member(op, "path");
  if (!path) return make_error(fmt::format("replace operation failed to decode path: {}", kMissing));
  const json::value* value = op.if_contains("value");
  if (value == nullptr) {
    return make_error(fmt::format("replace operation does not apply: missing value field: {}", kMissing));
  }
  if (auto s = check_depth_after_insert(*path, *value); !s) return s;
  if (path->empty()) {
    doc_ = *value;
    return Ok{};
  }
  std::string key;
  json::value* container = find_container(*path, &key);
  if (container == nullptr) {
    return make_error(fmt::format("replace operation does not apply: doc is missing path: {}: {}", *path, kMissing));
  }
  if (container->is_object()) {
    // v4 looks the member up without requiring it, so a missing member is added; kubectl
    // users rely on that, so it is kept.
    container->get_object().insert_or_assign(key, *value);
    return Ok{};
  }
  auto& arr = container->get_array();
  auto idx = existing_index(arr, key);
  if (!idx) {
    return make_error(fmt::format("replace operation does not apply: doc is missing key: {}: {}", *path, kMissing));
  }
  arr[*idx] = *value;
  return Ok{};
}

Status JsonPatcher::move(const json::object& op) {
  auto from = string_member(op, "from");
  if (!from) {
    return make_error(fmt::format("move operation failed to decode from: operation, missing from field: {}", kMissing));
  }
  std::string from_key;
  json::value* source = find_container(*from, &from_key);
  if (source == nullptr) {
    return make_error(fmt::format("move operation does not apply: doc is missing from path: {}: {}", *from, kMissing));
  }
  json::value moved;
  if (source->is_object()) {
    auto* member = source->get_object().if_contains(from_key);
    if (member == nullptr) {
      return make_error(fmt::format("error in move for path: '{}': Unable to remove nonexistent key: {}: {}",
                                    from_key, from_key, kMissing));
    }
    moved = std::move(*member);
    source->get_object().erase(from_key);
  } else {
    auto& arr = source->get_array();
    auto idx = existing_index(arr, from_key);
    if (!idx) return make_error(fmt::format("error in move for path: '{}': {}", from_key, idx.error().message));
    moved = std::move(arr[*idx]);
    arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(*idx));
  }
  auto path = string_member(op, "path");
  if (!path) return make_error(fmt::format("move operation failed to decode path: {}", kMissing));
  if (auto s = check_depth_after_insert(*path, moved); !s) return s;
  std::string key;
  json::value* destination = find_container(*path, &key);
  if (destination == nullptr) {
    // Also the outcome of moving a value into itself: its old place is gone by now.
    return make_error(
        fmt::format("move operation does not apply: doc is missing destination path: {}: {}", *path, kMissing));
  }
  if (auto s = insert(*destination, key, std::move(moved)); !s) {
    return make_error(fmt::format("error in move for path: '{}': {}", *path, s.error().message));
  }
  return Ok{};
}

Status JsonPatcher::copy(const json::object& op) {
  auto from = string_member(op, "from");
  if (!from) {
    return make_error(fmt::format("copy operation failed to decode from: operation, missing from field: {}", kMissing));
  }
  json::value copied;
  if (from->empty()) {
    copied = doc_;
  } else {
    std::string from_key;
    json::value* source = find_container(*from, &from_key);
    if (source == nullptr) {
      return make_error(fmt::format("copy operation does not apply: doc is missing from path: {}: {}", *from, kMissing));
    }
    if (source->is_object()) {
      auto* member = source->get_object().if_contains(from_key);
      if (member == nullptr) {
        return make_error(fmt::format("error in copy for from: '{}': Unable to get nonexistent key: {}: {}", *from,
                                      from_key, kMissing));
      }
      copied = *member;
    } else {
      auto idx = existing_index(source->get_array(), from_key);
      if (!idx) return make_error(fmt::format("error in copy for from: '{}': {}", *from, idx.error().message));
      copied = source->get_array()[*idx];
    }
  }
  auto path = string_member(op, "path");
  if (!path) return make_error(fmt::format("copy operation failed to decode path: {}", kMissing));
  copied_values_ += patch_detail::node_count(copied);
  if (copied_values_ > kMaxCopiedValues) {
    return make_error(fmt::format(
        "Unable to complete the copy, the accumulated size increase of copy is {}, exceeding the limit {}",
        copied_values_, kMaxCopiedValues));
  }
  if (auto s = check_depth_after_insert(*path, copied); !s) return s;
  if (path->empty()) {
    doc_ = std::move(copied);
    return Ok{};
  }
  std::string key;
  json::value* destination = find_container(*path, &key);
  if (destination == nullptr) {
    return make_error(
        fmt::format("copy operation does not apply: doc is missing destination path: {}: {}", *path, kMissing));
  }
  if (auto s = insert(*destination, key, std::move(copied)); !s) {
    return make_error(fmt::format("error while adding value during copy: {}", s.error().message));
  }
  return Ok{};
}

Status JsonPatcher::test(const json::object& op) {
  auto path = string_member(op, "path");
  if (!path) return make_error(fmt::format("test operation failed to decode path: {}", kMissing));
  const json::value* expected = op.if_contains("value");
  if (expected == nullptr) {
    return make_error(fmt::format("test operation does not apply: missing value field: {}", kMissing));
  }
  auto failed = [&] { return make_error(fmt::format("testing value {} failed: test failed", *path)); };
  if (path->empty()) return json_equal(doc_, *expected) ? Status(Ok{}) : failed();
  std::string key;
  json::value* container = find_container(*path, &key);
  if (container == nullptr) {
    return make_error(fmt::format("test operation does not apply: is missing path: {}: {}", *path, kMissing));
  }
  const json::value* actual = nullptr;
  if (container->is_object()) {
    actual = container->get_object().if_contains(key);
    // v4 treats a missing member as null, so testing for null passes.
    if (actual == nullptr) return expected->is_null() ? Status(Ok{}) : failed();
  } else {
    auto idx = existing_index(container->get_array(), key);
    if (!idx) return make_error(fmt::format("error in test for path: '{}': {}", *path, idx.error().message));
    actual = &container->get_array()[*idx];
  }
  return json_equal(*actual, *expected) ? Status(Ok{}) : failed();
}

Status JsonPatcher::apply(const json::value& operation) {
  if (!operation.is_object()) {
    return make_error("json: cannot unmarshal " + std::string(patch_detail::go_kind_name(
                                                      patch_detail::go_kind(operation))) +
                      " into an operation: each JSON patch operation must be an object");
  }
  const auto& op = operation.get_object();
  std::string kind = string_member(op, "op").value_or("unknown");
  if (kind == "add") return add(op);
  if (kind == "remove") return remove(op);
  if (kind == "replace") return replace(op);
  if (kind == "move") return move(op);
  if (kind == "copy") return copy(op);
  if (kind == "test") return test(op);
  return make_error("Unexpected kind: " + kind);
}

}  // namespace

Expected<json::value> apply_json_patch(const json::value& doc, const json::value& patch) {
  if (!patch.is_array()) {
    return make_error("json: cannot unmarshal " +
                      std::string(patch_detail::go_kind_name(patch_detail::go_kind(patch))) +
                      " into a JSON patch: it must be an array of operations");
  }
  const auto& operations = patch.get_array();
  if (operations.size() > kMaxOperations) {
    return make_error(fmt::format("The allowed maximum operations in a JSON patch is {}, got: {}",
                                  kMaxOperations, operations.size()));
  }
  if (auto s = patch_detail::check_nesting(doc, "the document"); !s) return s.error();
  if (auto s = patch_detail::check_nesting(patch, "the patch"); !s) return s.error();
  try {
    JsonPatcher patcher(doc);
    for (const auto& operation : operations) {
      if (auto s = patcher.apply(operation); !s) return s.error();
    }
    return std::move(patcher).take();
  } catch (const std::exception& e) {  // Allocation failure is the only expected source.
    return make_error(std::string("applying the JSON patch failed: ") + e.what());
  }
}

}  // namespace kscratch::apimachinery
