#pragma once
// The generated table of API message types (types_table.cc, from gen/*.spec). Internal to the
// schema library: callers use include/kscratch/apiserver/schema.h.

#include <cstddef>
#include <cstdint>

namespace kscratch::apiserver::schema::detail {

// How a field holds its values: one value, a JSON array (proto repeated), or a JSON object with
// string keys (proto map<string, V>, encoded as repeated entries {1: key, 2: value}).
enum class Shape : std::uint8_t { single, list, map };

// What one value is. The specials have a JSON form of their own: a Quantity is a string, an
// IntOrString a number or a string, Time/MicroTime RFC 3339 strings, raw_json embedded JSON
// (RawExtension, FieldsV1) that any content is allowed in.
enum class ValueKind : std::uint8_t {
  string, int32, int64, boolean, float64, bytes, message,
  quantity, int_or_string, time, micro_time, raw_json
};

// Field flags, from the Go field: kPointer for *T (presence matters, zero is kept),
// kOmitEmpty for json:",omitempty", kInline for an embedded struct whose fields appear in
// the parent's JSON object (it still has its own proto field number).
inline constexpr std::uint8_t kPointer = 1;
inline constexpr std::uint8_t kOmitEmpty = 2;
inline constexpr std::uint8_t kInline = 4;

struct Field {
  const char* json_name;
  std::uint32_t number;
  Shape shape;
  ValueKind kind;
  std::uint8_t flags;
  int message;  // index into kMessageTypes when kind == message, else -1
};

struct MessageType {
  const char* openapi_name;  // e.g. io.k8s.api.core.v1.PodSpec
  const char* name;          // e.g. PodSpec
  const char* group;
  const char* version;
  bool top_level_kind;  // has TypeMeta inlined: apiVersion and kind are part of its JSON
  const Field* fields;
  std::size_t field_count;
};

extern const MessageType kMessageTypes[];
extern const std::size_t kMessageTypeCount;

}  // namespace kscratch::apiserver::schema::detail
