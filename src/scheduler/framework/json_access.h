#pragma once
// Tolerant look-ups into Kubernetes JSON: a missing or mistyped field reads as absent.

#include <string_view>

#include <boost/json.hpp>

namespace kscratch::scheduler::json_access {

inline const boost::json::object* object_at(const boost::json::object& parent, std::string_view key) {
  const boost::json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

inline const boost::json::array* array_at(const boost::json::object& parent, std::string_view key) {
  const boost::json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

inline std::string_view string_at(const boost::json::object& parent, std::string_view key) {
  const boost::json::value* v = parent.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  const boost::json::string& s = v->get_string();
  return {s.data(), s.size()};
}

inline bool bool_at(const boost::json::object& parent, std::string_view key) {
  const boost::json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

inline int64_t int_at(const boost::json::object& parent, std::string_view key, int64_t fallback) {
  const boost::json::value* v = parent.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return fallback;
}

}  // namespace kscratch::scheduler::json_access
