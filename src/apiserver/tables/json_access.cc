#include "json_access.h"

#include <cmath>
#include <limits>
#include <map>

#include "kscratch/apimachinery/duration.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;
namespace duration = apimachinery::duration;

const json::object* object_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v ? v->if_array() : nullptr;
}

const json::object& object_or_empty(const json::object* object) {
  static const json::object kEmpty;
  return object ? *object : kEmpty;
}

const json::object& object_or_empty(const json::object& parent, std::string_view key) {
  return object_or_empty(object_at(parent, key));
}

const json::object* object_path(const json::object& root,
                                std::initializer_list<std::string_view> path) {
  const json::object* current = &root;
  for (std::string_view key : path) {
    current = object_at(*current, key);
    if (!current) return nullptr;
  }
  return current;
}

std::string string_at(const json::object& parent, std::string_view key) {
  return optional_string_at(parent, key).value_or("");
}

std::optional<std::string> optional_string_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<int64_t> optional_int_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    // Values past int64 cannot be a Kubernetes integer field; clamp rather than wrap.
    uint64_t u = v->get_uint64();
    return u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(u);
  }
  if (v->is_double()) {
    // Go's JSON decoder accepts 3.0 for an integer field but rejects 3.5; do the same.
    double d = v->get_double();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

int64_t int_at(const json::object& parent, std::string_view key, int64_t fallback) {
  return optional_int_at(parent, key).value_or(fallback);
}

bool bool_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::optional<Clock::time_point> time_at(const json::object& parent, std::string_view key) {
  std::optional<std::string> text = optional_string_at(parent, key);
  if (!text || text->empty()) return std::nullopt;
  Expected<duration::TimePoint> parsed = duration::parse_rfc3339(*text);
  if (!parsed) return std::nullopt;
  return *parsed;
}

int64_t length_at(const json::object& parent, std::string_view key) {
  const json::value* v = parent.if_contains(key);
  if (!v) return 0;
  if (const json::array* a = v->if_array()) return static_cast<int64_t>(a->size());
  if (const json::object* o = v->if_object()) return static_cast<int64_t>(o->size());
  return 0;
}

std::string object_name(const json::object& object) {
  const json::object* metadata = object_at(object, "metadata");
  return metadata ? string_at(*metadata, "name") : "";
}

std::string translate_timestamp_since(std::optional<Clock::time_point> t, Clock::time_point now) {
  if (!t) return "<unknown>";
  return duration::human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *t));
}

std::string object_age(const json::object& object, Clock::time_point now) {
  const json::object* metadata = object_at(object, "metadata");
  return translate_timestamp_since(metadata ? time_at(*metadata, "creationTimestamp") : std::nullopt,
                                   now);
}

bool has_deletion_timestamp(const json::object& object) {
  const json::object* metadata = object_at(object, "metadata");
  return metadata && !string_at(*metadata, "deletionTimestamp").empty();
}

ContainerCells layout_container_cells(const json::array* containers) {
  ContainerCells cells;
  if (!containers) return cells;
  for (size_t i = 0; i < containers->size(); ++i) {
    if (i > 0) {
      cells.names += ',';
      cells.images += ',';
    }
    if (const json::object* container = (*containers)[i].if_object()) {
      cells.names += string_at(*container, "name");
      cells.images += string_at(*container, "image");
    }
  }
  return cells;
}

const json::array* template_containers(const json::object& object) {
  const json::object* pod_spec = object_path(object, {"spec", "template", "spec"});
  return pod_spec ? array_at(*pod_spec, "containers") : nullptr;
}

std::string format_labels(const json::object* labels) {
  if (!labels) return "<none>";
  // Go's labels.Set.String() sorts by key.
  std::map<std::string, std::string> sorted;
  for (const auto& [key, value] : *labels) {
    if (value.is_string()) sorted[std::string(key)] = std::string(value.get_string());
  }
  std::string out;
  for (const auto& [key, value] : sorted) {
    if (!out.empty()) out += ',';
    out += key + "=" + value;
  }
  return out.empty() ? "<none>" : out;
}

std::string join_strings(const json::array* values, std::string_view separator) {
  std::string out;
  if (!values) return out;
  bool first = true;
  for (const json::value& v : *values) {
    if (!v.is_string()) continue;
    if (!first) out += separator;
    out += v.get_string();
    first = false;
  }
  return out;
}

}  // namespace kscratch::apiserver::tables
