// Typed JSON field access for the validators; see json_reader.h.

#include "json_reader.h"

#include <cmath>

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

const json::value* present(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

}  // namespace

std::optional<int64_t> as_integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    // Whole numbers written as 3.0 decode into Go integers too.
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

const json::object* Reader::object(const json::object& parent, std::string_view key, const FieldPath& path) {
  const json::value* v = present(parent, key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    add(type_invalid(path, *v, "object"));
    return nullptr;
  }
  return &v->get_object();
}

const json::array* Reader::array(const json::object& parent, std::string_view key, const FieldPath& path) {
  const json::value* v = present(parent, key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    add(type_invalid(path, *v, "array"));
    return nullptr;
  }
  return &v->get_array();
}

std::optional<std::string> Reader::string(const json::object& parent, std::string_view key, const FieldPath& path) {
  const json::value* v = present(parent, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    add(type_invalid(path, *v, "string"));
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<bool> Reader::boolean(const json::object& parent, std::string_view key, const FieldPath& path) {
  const json::value* v = present(parent, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    add(type_invalid(path, *v, "boolean"));
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<int64_t> Reader::integer(const json::object& parent, std::string_view key, const FieldPath& path,
                                       int64_t lo, int64_t hi) {
  const json::value* v = present(parent, key);
  if (v == nullptr) return std::nullopt;
  std::optional<int64_t> n = as_integer(*v);
  if (!n) {
    add(type_invalid(path, *v, "integer"));
    return std::nullopt;
  }
  if (*n < lo || *n > hi) {
    add(type_invalid(path, *v, hi == kInt32Max ? "32-bit integer" : "integer"));
    return std::nullopt;
  }
  return n;
}

std::optional<StringMap> Reader::string_map(const json::object& parent, std::string_view key, const FieldPath& path) {
  const json::object* m = object(parent, key, path);
  if (m == nullptr) return std::nullopt;
  StringMap out;
  for (const auto& [k, v] : *m) {
    if (!v.is_string()) {
      add(type_invalid(path.key(k), v, "string"));
      continue;
    }
    out.emplace(std::string(k), std::string(v.get_string()));
  }
  return out;
}

const json::object* Reader::element_object(const json::value& v, const FieldPath& path) {
  if (v.is_object()) return &v.get_object();
  add(type_invalid(path, v, "object"));
  return nullptr;
}

std::optional<std::vector<std::string>> Reader::string_list(const json::object& parent, std::string_view key,
                                                            const FieldPath& path) {
  const json::array* a = array(parent, key, path);
  if (a == nullptr) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    if (!(*a)[i].is_string()) {
      add(type_invalid(path.index(i), (*a)[i], "string"));
      continue;
    }
    out.emplace_back((*a)[i].get_string());
  }
  return out;
}

const json::object* find_object(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

json::object* find_object(json::object& parent, std::string_view key) {
  json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* find_array(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

json::array* find_array(json::object& parent, std::string_view key) {
  json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

std::string string_or(const json::object& parent, std::string_view key, std::string_view fallback) {
  const json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string(fallback);
}

std::optional<int64_t> find_int(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v == nullptr ? std::nullopt : as_integer(*v);
}

bool bool_or(const json::object& parent, std::string_view key, bool fallback) {
  const json::value* v = parent.if_contains(key);
  return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

bool has(const json::object& parent, std::string_view key) { return present(parent, key) != nullptr; }

json::object* object_for_defaults(json::object& parent, std::string_view key) {
  json::value* v = parent.if_contains(key);
  if (v == nullptr || v->is_null()) return &(parent[key] = json::object()).get_object();
  return v->is_object() ? &v->get_object() : nullptr;
}

void default_value(json::object& parent, std::string_view key, json::value value) {
  if (!has(parent, key)) parent[key] = std::move(value);
}

void default_string(json::object& parent, std::string_view key, std::string_view value) {
  const json::value* v = parent.if_contains(key);
  // A present value of the wrong type is left alone for validation to report.
  if (v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty())) parent[key] = value;
}

}  // namespace kscratch::apiserver::kinds
