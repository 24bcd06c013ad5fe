#pragma once
// Reading decoded API objects as the describers do: missing fields are Go's zero values.

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::kubectl::describe {

namespace json = boost::json;

inline const json::value* at(const json::value* v, std::string_view key) {
  if (!v || !v->is_object()) return nullptr;
  return v->as_object().if_contains(key);
}
// The value at a dotted path ("spec.template.metadata"), or nullptr.
inline const json::value* path(const json::value& v, std::string_view dotted) {
  const json::value* cur = &v;
  while (cur && !dotted.empty()) {
    auto dot = dotted.find('.');
    cur = at(cur, dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return cur;
}
inline std::string str(const json::value& v, std::string_view dotted) {
  auto* x = path(v, dotted);
  return x && x->is_string() ? std::string(x->as_string()) : std::string();
}
inline bool has(const json::value& v, std::string_view dotted) {
  auto* x = path(v, dotted);
  return x && !x->is_null();
}
inline int64_t num(const json::value& v, std::string_view dotted) {
  auto* x = path(v, dotted);
  if (!x) return 0;
  if (x->is_int64()) return x->as_int64();
  if (x->is_uint64()) return static_cast<int64_t>(x->as_uint64());
  if (x->is_double()) return static_cast<int64_t>(x->as_double());
  return 0;
}
inline bool boolean(const json::value& v, std::string_view dotted) {
  auto* x = path(v, dotted);
  return x && x->is_bool() && x->as_bool();
}
inline const json::array& arr(const json::value& v, std::string_view dotted) {
  static const json::array empty;
  auto* x = path(v, dotted);
  return x && x->is_array() ? x->as_array() : empty;
}
inline std::map<std::string, std::string> smap(const json::value& v, std::string_view dotted) {
  std::map<std::string, std::string> out;
  auto* x = path(v, dotted);
  if (x && x->is_object())
    for (auto& [k, val] : x->as_object()) out[std::string(k)] = val.is_string() ? std::string(val.as_string()) : "";
  return out;
}
// %v of a scalar: strings as they are, numbers and booleans as Go prints them.
inline std::string scalar(const json::value* x) {
  if (!x) return {};
  if (x->is_string()) return std::string(x->as_string());
  if (x->is_int64()) return std::to_string(x->as_int64());
  if (x->is_uint64()) return std::to_string(x->as_uint64());
  if (x->is_bool()) return x->as_bool() ? "true" : "false";
  if (x->is_double()) return json::serialize(*x);
  return {};
}

}  // namespace kscratch::kubectl::describe
