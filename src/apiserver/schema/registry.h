#pragma once
// Lookups over the generated type table shared by the schema's parts.

#include <string_view>

#include "types_table.h"

namespace kscratch::apiserver::schema::detail {

// The field of `type` with this json name, looking through inline (embedded) structs too.
const Field* field_by_json_name(const MessageType& type, std::string_view name);

// The field of `type` with this protobuf number (inline structs have their own number).
const Field* field_by_number(const MessageType& type, std::uint32_t number);

const MessageType& message_of(const Field& field);

}  // namespace kscratch::apiserver::schema::detail
