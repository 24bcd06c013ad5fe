#pragma once
// What the typed walks (to_field_set.cc, compare.cc, merge.cc, remove.cc) share: how a
// value at a place with a given shape is treated.

#include "shape.h"

#include <boost/json/value.hpp>

namespace kscratch::apiserver::fieldmanager::walk {

enum class Treat { leaf, object, list };

// A granular object descends field by field; an associative list or set whose items all
// have distinct names descends item by item; everything else is a leaf.
inline Treat treat(const json::value& v, const FieldShape& shape) {
  if (v.is_object() && !shape.atomic_object) return Treat::object;
  if (v.is_array() && items_are_named(shape, v.get_array())) return Treat::list;
  return Treat::leaf;
}

// The shape of one item of a list of this shape: an object of the list's element type.
inline FieldShape item_shape(const FieldShape& list) {
  FieldShape item;
  item.type = list.type;
  return item;
}

inline bool is_empty_container(const json::value& v) {
  return (v.is_object() && v.get_object().empty()) || (v.is_array() && v.get_array().empty());
}

}  // namespace kscratch::apiserver::fieldmanager::walk
