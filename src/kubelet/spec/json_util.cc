// Readers for boost::json objects with Go's zero-value defaults (see json_util.h).

#include "kubelet/spec/json_util.h"

namespace kscratch::kubelet::spec::jsonu {

namespace {
const json::object kEmptyObject;
const json::array kEmptyArray;
}  // namespace

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

std::optional<std::string> opt_str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

const json::object& obj(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) return kEmptyObject;
  return v->get_object();
}

const json::array& arr(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return kEmptyArray;
  return v->get_array();
}

bool boolean(const json::object& o, std::string_view key, bool fallback) {
  return opt_bool(o, key).value_or(fallback);
}

std::optional<bool> opt_bool(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

std::optional<std::int64_t> opt_int(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return std::nullopt;
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& v : arr(o, key)) out.push_back(as_str(v));
  return out;
}

std::string as_str(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : std::string(); }

const json::object& as_obj(const json::value& v) { return v.is_object() ? v.get_object() : kEmptyObject; }

}  // namespace kscratch::kubelet::spec::jsonu
