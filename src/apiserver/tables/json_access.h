#pragma once
// Lenient reads of stored JSON for the printers. Upstream decodes objects into Go structs first,
// so an absent field is its zero value; these accessors give that zero value ("", 0, false, no
// time) for absent, null and wrong-typed fields alike, so a malformed object never throws.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "kscratch/apiserver/resource.h"

namespace kscratch::apiserver::tables {

// The member as an object or array, or nullptr when absent or of another JSON type.
const boost::json::object* object_at(const boost::json::object& parent, std::string_view key);
const boost::json::array* array_at(const boost::json::object& parent, std::string_view key);
// The member (or the pointed-to object) itself, or a shared empty object when absent or of
// another type, so that callers can read fields of missing sub-objects without checks.
const boost::json::object& object_or_empty(const boost::json::object& parent, std::string_view key);
const boost::json::object& object_or_empty(const boost::json::object* object);
// Follows nested objects ({"spec", "template", "spec"}); nullptr when any step is missing.
const boost::json::object* object_path(const boost::json::object& root,
                                       std::initializer_list<std::string_view> path);

// A string member, or "" (Go's zero string).
std::string string_at(const boost::json::object& parent, std::string_view key);
// A string member for Go's *string fields: nullopt when absent, null or not a string.
std::optional<std::string> optional_string_at(const boost::json::object& parent,
                                              std::string_view key);
// An integer member (integral doubles count), or nullopt; int_at gives `fallback` instead.
std::optional<int64_t> optional_int_at(const boost::json::object& parent, std::string_view key);
int64_t int_at(const boost::json::object& parent, std::string_view key, int64_t fallback = 0);
// A boolean member, or false.
bool bool_at(const boost::json::object& parent, std::string_view key);
// An RFC 3339 timestamp member; nullopt for Go's zero time (absent, null or unparsable).
std::optional<Clock::time_point> time_at(const boost::json::object& parent, std::string_view key);
// Number of entries of an array or object member (Go's len() of a slice or map), else 0.
int64_t length_at(const boost::json::object& parent, std::string_view key);

// metadata.name of an object.
std::string object_name(const boost::json::object& object);
// Upstream's translateTimestampSince: HumanDuration(now - t), "<unknown>" for the zero time.
std::string translate_timestamp_since(std::optional<Clock::time_point> t, Clock::time_point now);
// The AGE cell: translate_timestamp_since(metadata.creationTimestamp).
std::string object_age(const boost::json::object& object, Clock::time_point now);
// Whether metadata.deletionTimestamp is set (upstream's DeletionTimestamp != nil).
bool has_deletion_timestamp(const boost::json::object& object);

// upstream's layoutContainerCells: the names and the images of containers, comma separated.
struct ContainerCells {
  std::string names;
  std::string images;
};
ContainerCells layout_container_cells(const boost::json::array* containers);
// spec.template.spec.containers of a workload, or nullptr.
const boost::json::array* template_containers(const boost::json::object& object);

// upstream's labels.FormatLabels: "k1=v1,k2=v2" sorted by key, "<none>" when empty.
std::string format_labels(const boost::json::object* labels);
// Go's strings.Join over string elements of a JSON array (other elements are skipped).
std::string join_strings(const boost::json::array* values, std::string_view separator);

}  // namespace kscratch::apiserver::tables
