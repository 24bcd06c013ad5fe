#pragma once
// One field of a decoded API object, as kubectl's printers read them: a missing or
// non-string field is Go's zero value, "", and a missing or non-object one an empty object.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace kscratch::kubectl {

inline std::string str(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

inline const boost::json::object& sub(const boost::json::object& o, std::string_view key) {
  static const boost::json::object empty;
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty;
}

}  // namespace kscratch::kubectl
