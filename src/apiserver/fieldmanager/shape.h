#pragma once
// What structured-merge-diff needs to know about a field of a built-in kind: whether an
// object is granular (each field owned apart) or atomic, and whether a list is atomic, a
// set of scalars, or a map of objects keyed by some of their fields. The list keys come
// from the kind's strategic merge patch metadata (patchMergeKey), corrected where the
// server-side apply markers of k8s.io/api (+listType, +listMapKey, +structType, +mapType)
// say otherwise, e.g. container ports are keyed by containerPort and protocol.

#include "field_set.h"

#include "kscratch/apimachinery/patch.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kscratch::apiserver::fieldmanager {

enum class ListType { atomic, map, set };

struct FieldShape {
  ListType list = ListType::atomic;  // for arrays
  bool atomic_object = false;        // +structType=atomic / +mapType=atomic
  // Present in Go's zero value of the parent (a non-pointer struct, or a list without
  // omitempty), so that creating an object never "adds" it as a whole.
  bool always_present = false;
  std::vector<std::string> keys;  // +listMapKey, sorted by name
  std::vector<std::pair<std::string, json::value>> key_defaults;  // e.g. protocol: TCP
  // Patch schema type of the value, or of a list's elements: a name the schema (or this
  // file's tables) holds, so that shapes, made for every field walked, copy no string.
  std::string_view type;
};

// The shapes of one kind's fields, walked from the root type down.
class Shape {
 public:
  explicit Shape(const apimachinery::PatchSchema* schema) : schema_(schema) {}

  // The root object's type name (the kind), or "" when the kind has no schema.
  std::string_view root_type() const;
  // The shape of `field` in an object of `type` (`at_root` for the object itself).
  FieldShape field(std::string_view type, std::string_view field, bool at_root) const;

 private:
  const apimachinery::PatchSchema* schema_;
};

// The path element naming `item` in a list of this shape ("k:{...}" or "v:..."), or
// nullopt when the item cannot be named (a key field missing, an object in a set).
std::optional<PathElement> list_item_element(const FieldShape& shape, const json::value& item);

// Whether every item of `list` can be named and no two share a name: only then is the
// list merged item by item; otherwise it is treated as atomic.
bool items_are_named(const FieldShape& shape, const json::array& list);
// items_are_named that keeps the names (in the list's order) for walks that need them.
bool name_items(const FieldShape& shape, const json::array& list, std::vector<PathElement>& names);

}  // namespace kscratch::apiserver::fieldmanager
