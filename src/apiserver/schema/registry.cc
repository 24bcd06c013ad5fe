#include "registry.h"

#include <array>

#include "kscratch/apiserver/schema.h"

namespace kscratch::apiserver::schema {
namespace detail {

const Field* field_by_json_name(const MessageType& type, std::string_view name) {
  for (std::size_t i = 0; i < type.field_count; ++i) {
    const Field& field = type.fields[i];
    if (field.flags & kInline) {
      if (const Field* inner = field_by_json_name(message_of(field), name)) return inner;
    } else if (name == field.json_name) {
      return &field;
    }
  }
  return nullptr;
}

const Field* field_by_number(const MessageType& type, std::uint32_t number) {
  for (std::size_t i = 0; i < type.field_count; ++i) {
    if (type.fields[i].number == number) return &type.fields[i];
  }
  return nullptr;
}

const MessageType& message_of(const Field& field) { return kMessageTypes[field.message]; }

}  // namespace detail

namespace {

// Kinds from meta/v1 that upstream registers in every group version.
bool is_shared_meta_kind(std::string_view kind) { return kind == "DeleteOptions" || kind == "Status"; }

}  // namespace

const Type* find_kind(std::string_view group, std::string_view version, std::string_view kind) {
  for (std::size_t i = 0; i < detail::kMessageTypeCount; ++i) {
    const detail::MessageType& type = detail::kMessageTypes[i];
    if (!type.top_level_kind || kind != type.name) continue;
    if (group == type.group && version == type.version) return &type;
    if (is_shared_meta_kind(kind) && version == type.version) return &type;
  }
  return nullptr;
}

std::string_view openapi_name(const Type& type) { return type.openapi_name; }

}  // namespace kscratch::apiserver::schema
