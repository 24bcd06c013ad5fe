#include "kscratch/apimachinery/object.h"

#include "kscratch/apimachinery/duration.h"

namespace kscratch::apimachinery::object {

namespace {
const json::object& empty_object() {
  static const json::object empty;
  return empty;
}
}  // namespace

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

json::object& ensure_object(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.as_object();
}

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return "";
  return std::string(v->get_string());
}

std::optional<int64_t> int_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

bool bool_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

const json::object& metadata_of(const json::object& obj) {
  const json::object* m = object_at(obj, "metadata");
  return m ? *m : empty_object();
}

std::string name_of(const json::object& obj) { return string_at(metadata_of(obj), "name"); }
std::string namespace_of(const json::object& obj) { return string_at(metadata_of(obj), "namespace"); }
std::string uid_of(const json::object& obj) { return string_at(metadata_of(obj), "uid"); }
int64_t generation_of(const json::object& obj) { return int_at(metadata_of(obj), "generation").value_or(0); }

bool is_being_deleted(const json::object& obj) {
  const json::value* v = metadata_of(obj).if_contains("deletionTimestamp");
  return v && !v->is_null();
}

std::string key_of(const json::object& obj) {
  std::string ns = namespace_of(obj);
  return ns.empty() ? name_of(obj) : ns + "/" + name_of(obj);
}

StringMap labels_of(const json::object& obj) { return string_map(object_at(metadata_of(obj), "labels")); }

StringMap annotations_of(const json::object& obj) {
  return string_map(object_at(metadata_of(obj), "annotations"));
}

std::optional<std::string> annotation_of(const json::object& obj, std::string_view key) {
  const json::object* annotations = object_at(metadata_of(obj), "annotations");
  if (!annotations) return std::nullopt;
  const json::value* v = annotations->if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

void set_annotation(json::object& obj, std::string_view key, std::string_view value) {
  ensure_object(ensure_object(obj, "metadata"), "annotations")[key] = value;
}

std::optional<TimePoint> creation_time_of(const json::object& obj) {
  return parse_time(string_at(metadata_of(obj), "creationTimestamp"));
}

StringMap string_map(const json::object* o) {
  StringMap m;
  if (!o) return m;
  for (const auto& [k, v] : *o) {
    if (v.is_string()) m.emplace(std::string(k), std::string(v.get_string()));
  }
  return m;
}

json::object to_json(const StringMap& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::optional<TimePoint> parse_time(std::string_view s) {
  if (s.empty()) return std::nullopt;
  auto t = apimachinery::duration::parse_rfc3339(s);
  if (!t) return std::nullopt;
  return *t;
}

std::string format_time(TimePoint t) { return apimachinery::duration::format_rfc3339(t); }

}  // namespace kscratch::apimachinery::object
