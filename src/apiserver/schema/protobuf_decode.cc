// Decoding of application/vnd.kubernetes.protobuf request bodies into the JSON the JSON API
// would have received, driven by the generated type table.
//
// gogo-protobuf (upstream's marshaller) writes every non-pointer field, zero or not, and pointer
// fields only when set. Go's encoding/json then drops zero non-pointer fields tagged omitempty.
// So a value read here is kept when its field is a pointer or lacks omitempty, and dropped when
// it is an omitempty zero: the result carries exactly what a JSON client would have sent.

#include <bit>
#include <string>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "kscratch/apiserver/schema.h"
#include "registry.h"
#include "text_encodings.h"
#include "wire_reader.h"

namespace kscratch::apiserver::schema {
namespace {

namespace json = boost::json;
using detail::Field;
using detail::MessageType;
using detail::Shape;
using detail::ValueKind;
using detail::WireReader;

// Deeper nesting than any real object means a hostile body; stop before the stack does.
constexpr int kMaxDepth = 100;

class Decoder {
 public:
  // Decodes `data` as `type` into `out` (merging, as protobuf merges repeated messages).
  bool message(const MessageType& type, std::string_view data, json::object& out, int depth);

  const std::string& error() const { return error_; }

 private:
  // One decoded value and whether Go would consider it the zero value.
  struct Value {
    json::value json;
    bool zero = false;
  };

  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  bool field(const MessageType& type, const Field& field, std::uint32_t wire_type,
             WireReader& reader, json::object& out, int depth);
  bool list_item(const Field& field, std::uint32_t wire_type, WireReader& reader, json::array& out,
                 int depth);
  bool map_entry(const Field& field, std::string_view entry, json::object& out, int depth);
  bool value(const Field& field, std::uint32_t wire_type, WireReader& reader, Value& out);
  bool scalar_from_varint(ValueKind kind, std::uint64_t raw, Value& out);
  bool special(ValueKind kind, std::string_view data, Value& out);

  std::string error_;
};

bool is_varint_kind(ValueKind kind) {
  return kind == ValueKind::int32 || kind == ValueKind::int64 || kind == ValueKind::boolean;
}

std::uint32_t expected_wire_type(ValueKind kind) {
  if (is_varint_kind(kind)) return detail::kVarint;
  if (kind == ValueKind::float64) return detail::kFixed64;
  return detail::kLengthDelimited;
}

bool Decoder::message(const MessageType& type, std::string_view data, json::object& out,
                      int depth) {
  if (depth > kMaxDepth) return fail("protobuf message nested too deeply");
  WireReader reader(data);
  while (!reader.at_end()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    if (!reader.read_key(number, wire_type)) {
      return fail(fmt::format("malformed protobuf field key in {}", type.name));
    }
    const Field* known = detail::field_by_number(type, number);
    if (known == nullptr) {
      // Fields newer than this table are skipped, as upstream's decoder skips unknown ones.
      if (!reader.skip(wire_type)) {
        return fail(fmt::format("truncated protobuf field {} in {}", number, type.name));
      }
      continue;
    }
    if (!field(type, *known, wire_type, reader, out, depth)) return false;
  }
  return true;
}

bool Decoder::field(const MessageType& type, const Field& field, std::uint32_t wire_type,
                    WireReader& reader, json::object& out, int depth) {
  if (field.shape == Shape::list) {
    json::value& slot = out[field.json_name];
    if (!slot.is_array()) slot = json::array();
    return list_item(field, wire_type, reader, slot.get_array(), depth);
  }
  if (wire_type != expected_wire_type(field.kind) &&
      !(field.shape == Shape::map && wire_type == detail::kLengthDelimited)) {
    return fail(fmt::format("wrong protobuf wire type {} for {}.{}", wire_type, type.name,
                            field.json_name));
  }
  if (field.shape == Shape::map) {
    std::string_view entry;
    if (!reader.read_bytes(entry)) return fail(fmt::format("truncated map entry in {}", type.name));
    json::value& slot = out[field.json_name];
    if (!slot.is_object()) slot = json::object();
    return map_entry(field, entry, slot.get_object(), depth);
  }
  if (field.kind == ValueKind::message) {
    std::string_view data;
    if (!reader.read_bytes(data)) return fail(fmt::format("truncated {}", field.json_name));
    const MessageType& child = detail::message_of(field);
    // An embedded struct's fields belong to the parent's JSON object.
    if (field.flags & detail::kInline) return message(child, data, out, depth + 1);
    json::value& slot = out[field.json_name];
    if (!slot.is_object()) slot = json::object();
    return message(child, data, slot.get_object(), depth + 1);
  }
  Value decoded;
  if (!value(field, wire_type, reader, decoded)) return false;
  const bool pointer = field.flags & detail::kPointer;
  const bool omitempty = field.flags & detail::kOmitEmpty;
  // A zero time has no JSON form but null, so it is left out whatever the field's tags.
  const bool null_time = decoded.json.is_null();
  if (null_time || (!pointer && omitempty && decoded.zero)) {
    out.erase(field.json_name);
  } else {
    out[field.json_name] = std::move(decoded.json);
  }
  return true;
}

bool Decoder::list_item(const Field& field, std::uint32_t wire_type, WireReader& reader,
                        json::array& out, int depth) {
  // Numbers may come packed (one length-delimited run) or one per key; proto2 readers take both.
  if (wire_type == detail::kLengthDelimited && is_varint_kind(field.kind)) {
    std::string_view packed;
    if (!reader.read_bytes(packed)) return fail(fmt::format("truncated {}", field.json_name));
    WireReader items(packed);
    while (!items.at_end()) {
      std::uint64_t raw = 0;
      Value item;
      if (!items.read_varint(raw) || !scalar_from_varint(field.kind, raw, item)) {
        return fail(fmt::format("malformed packed {}", field.json_name));
      }
      out.push_back(std::move(item.json));
    }
    return true;
  }
  if (wire_type != expected_wire_type(field.kind)) {
    return fail(fmt::format("wrong protobuf wire type {} for {}", wire_type, field.json_name));
  }
  if (field.kind == ValueKind::message) {
    std::string_view data;
    if (!reader.read_bytes(data)) return fail(fmt::format("truncated {}", field.json_name));
    json::object item;
    if (!message(detail::message_of(field), data, item, depth + 1)) return false;
    out.push_back(std::move(item));
    return true;
  }
  Value item;
  if (!value(field, wire_type, reader, item)) return false;
  out.push_back(std::move(item.json));
  return true;
}

bool Decoder::map_entry(const Field& field, std::string_view entry, json::object& out,
                        int depth) {
  // A map entry is a message {1: key, 2: value}; either may be missing and is then zero.
  WireReader reader(entry);
  std::string key;
  Value decoded;
  decoded.json = field.kind == ValueKind::message ? json::value(json::object()) : json::value("");
  if (field.kind == ValueKind::quantity) decoded.json = "0";
  while (!reader.at_end()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    if (!reader.read_key(number, wire_type)) return fail("malformed protobuf map entry");
    if (number == 1) {
      std::string_view raw;
      if (wire_type != detail::kLengthDelimited || !reader.read_bytes(raw)) {
        return fail(fmt::format("malformed key in map {}", field.json_name));
      }
      key.assign(raw);
    } else if (number == 2) {
      if (wire_type != expected_wire_type(field.kind)) {
        return fail(fmt::format("wrong protobuf wire type in map {}", field.json_name));
      }
      if (field.kind == ValueKind::message) {
        std::string_view data;
        json::object item;
        if (!reader.read_bytes(data) ||
            !message(detail::message_of(field), data, item, depth + 1)) {
          return fail(fmt::format("malformed value in map {}", field.json_name));
        }
        decoded.json = std::move(item);
      } else if (!value(field, wire_type, reader, decoded)) {
        return false;
      }
    } else if (!reader.skip(wire_type)) {
      return fail("malformed protobuf map entry");
    }
  }
  out[key] = std::move(decoded.json);
  return true;
}

bool Decoder::scalar_from_varint(ValueKind kind, std::uint64_t raw, Value& out) {
  switch (kind) {
    case ValueKind::int32: {
      // int32 values are sign-extended to 64 bits on the wire; keep the low 32 as Go does.
      const auto v = static_cast<std::int32_t>(static_cast<std::uint32_t>(raw));
      out.json = v;
      out.zero = v == 0;
      return true;
    }
    case ValueKind::int64: {
      const auto v = static_cast<std::int64_t>(raw);
      out.json = v;
      out.zero = v == 0;
      return true;
    }
    case ValueKind::boolean:
      out.json = raw != 0;
      out.zero = raw == 0;
      return true;
    default: return false;
  }
}

bool Decoder::value(const Field& field, std::uint32_t wire_type, WireReader& reader, Value& out) {
  if (wire_type != expected_wire_type(field.kind)) {
    return fail(fmt::format("wrong protobuf wire type {} for {}", wire_type, field.json_name));
  }
  if (is_varint_kind(field.kind)) {
    std::uint64_t raw = 0;
    if (!reader.read_varint(raw)) return fail(fmt::format("truncated {}", field.json_name));
    return scalar_from_varint(field.kind, raw, out);
  }
  if (field.kind == ValueKind::float64) {
    std::uint64_t raw = 0;
    if (!reader.read_fixed64(raw)) return fail(fmt::format("truncated {}", field.json_name));
    const double v = std::bit_cast<double>(raw);
    out.json = v;
    out.zero = v == 0;
    return true;
  }
  std::string_view data;
  if (!reader.read_bytes(data)) return fail(fmt::format("truncated {}", field.json_name));
  switch (field.kind) {
    case ValueKind::string:
      out.json = json::string(data);
      out.zero = data.empty();
      return true;
    case ValueKind::bytes:
      out.json = json::string(detail::base64_encode(data));
      out.zero = data.empty();
      return true;
    default:
      if (!special(field.kind, data, out)) {
        return fail(fmt::format("malformed value for {}", field.json_name));
      }
      return true;
  }
}

// Decodes the small wrapper messages that have a JSON form of their own.
bool Decoder::special(ValueKind kind, std::string_view data, Value& out) {
  WireReader reader(data);
  std::uint64_t varints[4] = {0, 0, 0, 0};  // by field number
  std::string_view strings[4];
  while (!reader.at_end()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    if (!reader.read_key(number, wire_type)) return false;
    if (number < 4 && wire_type == detail::kVarint) {
      if (!reader.read_varint(varints[number])) return false;
    } else if (number < 4 && wire_type == detail::kLengthDelimited) {
      if (!reader.read_bytes(strings[number])) return false;
    } else if (!reader.skip(wire_type)) {
      return false;
    }
  }
  switch (kind) {
    case ValueKind::quantity:  // resource.Quantity {1: string}
      out.json = json::string(strings[1].empty() ? std::string_view("0") : strings[1]);
      return true;
    case ValueKind::int_or_string: {  // intstr.IntOrString {1: type, 2: intVal, 3: strVal}
      if (varints[1] == 1) {
        out.json = json::string(strings[3]);
        out.zero = false;
      } else {
        const auto v = static_cast<std::int32_t>(static_cast<std::uint32_t>(varints[2]));
        out.json = v;
        out.zero = v == 0;
      }
      return true;
    }
    case ValueKind::time:
    case ValueKind::micro_time: {  // metav1.Time / MicroTime {1: seconds, 2: nanos}
      if (data.empty()) {
        out.json = nullptr;  // Go's zero time: no JSON value but null
        return true;
      }
      const auto formatted =
          detail::format_rfc3339(static_cast<std::int64_t>(varints[1]),
                                 static_cast<std::int32_t>(varints[2]),
                                 kind == ValueKind::micro_time);
      if (!formatted) return false;
      out.json = json::string(*formatted);
      return true;
    }
    case ValueKind::raw_json: {  // runtime.RawExtension / metav1.FieldsV1 {1: raw JSON bytes}
      if (strings[1].empty()) {
        out.json = json::object();
        out.zero = true;
        return true;
      }
      json::error_code ec;
      json::parse_options options;
      options.max_depth = kMaxDepth;
      out.json = json::parse(strings[1], ec, {}, options);
      return !ec;
    }
    default: return false;
  }
}

// Splits "apps/v1" into group and version; "v1" is the core group.
std::pair<std::string_view, std::string_view> split_api_version(std::string_view api_version) {
  const auto slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", api_version};
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

}  // namespace

Expected<json::value> decode_protobuf(std::string_view body) {
  static constexpr std::string_view kMagic("k8s\0", 4);
  if (body.substr(0, kMagic.size()) != kMagic) {
    return make_error("protobuf body does not start with the k8s\\0 prefix");
  }
  // runtime.Unknown {1: TypeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding,
  // 4: contentType}.
  WireReader reader(body.substr(kMagic.size()));
  std::string_view type_meta, raw, content_encoding;
  while (!reader.at_end()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    std::string_view bytes;
    if (!reader.read_key(number, wire_type)) return make_error("malformed protobuf envelope");
    if (wire_type != detail::kLengthDelimited) {
      if (!reader.skip(wire_type)) return make_error("malformed protobuf envelope");
      continue;
    }
    if (!reader.read_bytes(bytes)) return make_error("truncated protobuf envelope");
    if (number == 1) type_meta = bytes;
    if (number == 2) raw = bytes;
    if (number == 3) content_encoding = bytes;
  }
  if (!content_encoding.empty()) {
    return make_error(fmt::format("unsupported protobuf content encoding \"{}\"", content_encoding));
  }
  std::string_view api_version, kind;
  WireReader meta(type_meta);
  while (!meta.at_end()) {
    std::uint32_t number = 0;
    std::uint32_t wire_type = 0;
    std::string_view bytes;
    if (!meta.read_key(number, wire_type) || wire_type != detail::kLengthDelimited ||
        !meta.read_bytes(bytes)) {
      return make_error("malformed protobuf TypeMeta");
    }
    if (number == 1) api_version = bytes;
    if (number == 2) kind = bytes;
  }
  const auto [group, version] = split_api_version(api_version);
  const Type* type = find_kind(group, version, kind);
  if (type == nullptr) {
    return make_error(
        fmt::format("no kind \"{}\" is registered for version \"{}\"", kind, api_version));
  }
  json::object object;
  object["apiVersion"] = json::string(api_version);
  object["kind"] = json::string(kind);
  Decoder decoder;
  if (!decoder.message(*type, raw, object, 0)) return make_error(decoder.error());
  return json::value(std::move(object));
}

}  // namespace kscratch::apiserver::schema
