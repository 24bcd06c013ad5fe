#pragma once
// Reading and writing the fields of API objects that components (controllers, kubelet)
// look at, over boost::json. Missing or mistyped fields read as Go's zero values, which is
// what upstream's components see after decoding into typed structs.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace kscratch::apimachinery::object {

namespace json = boost::json;
using TimePoint = std::chrono::system_clock::time_point;
using StringMap = std::map<std::string, std::string>;

// The object at key, or nullptr when absent or not an object.
const json::object* object_at(const json::object& o, std::string_view key);
// The object at key, created (replacing a non-object) when needed.
json::object& ensure_object(json::object& o, std::string_view key);
// The string at key, or "" (Go's zero value).
std::string string_at(const json::object& o, std::string_view key);
// The integer at key (JSON numbers of any representation), or nullopt.
std::optional<int64_t> int_at(const json::object& o, std::string_view key);
bool bool_at(const json::object& o, std::string_view key);

// metadata.* accessors.
const json::object& metadata_of(const json::object& obj);
std::string name_of(const json::object& obj);
std::string namespace_of(const json::object& obj);
std::string uid_of(const json::object& obj);
int64_t generation_of(const json::object& obj);
bool is_being_deleted(const json::object& obj);  // metadata.deletionTimestamp set
// "namespace/name", upstream's cache.MetaNamespaceKeyFunc (and controller.PodKey).
std::string key_of(const json::object& obj);
StringMap labels_of(const json::object& obj);
StringMap annotations_of(const json::object& obj);
std::optional<std::string> annotation_of(const json::object& obj, std::string_view key);
void set_annotation(json::object& obj, std::string_view key, std::string_view value);
// metadata.creationTimestamp; nullopt (Go's zero time) when absent or unparsable.
std::optional<TimePoint> creation_time_of(const json::object& obj);

// A JSON object of strings as a map (labels, annotations, matchLabels), and back.
StringMap string_map(const json::object* o);
json::object to_json(const StringMap& m);

// metav1.Time: RFC 3339, whole seconds, UTC.
std::optional<TimePoint> parse_time(std::string_view s);
std::string format_time(TimePoint t);

}  // namespace kscratch::apimachinery::object
