// OpenAPI v3 component schemas generated from the type table, in the shape kube-apiserver
// publishes under /openapi/v3 (descriptions left empty), so kubectl explain can walk them.

#include <set>
#include <string>
#include <vector>

#include "kscratch/apiserver/schema.h"
#include "registry.h"

namespace kscratch::apiserver::schema {
namespace {

namespace json = boost::json;
using detail::Field;
using detail::MessageType;
using detail::Shape;
using detail::ValueKind;

constexpr std::string_view kRefPrefix = "#/components/schemas/";

// The types with a JSON form of their own, published under upstream's names.
struct SpecialSchema {
  ValueKind kind;
  const char* name;
};
constexpr SpecialSchema kSpecials[] = {
    {ValueKind::quantity, "io.k8s.apimachinery.pkg.api.resource.Quantity"},
    {ValueKind::int_or_string, "io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
    {ValueKind::time, "io.k8s.apimachinery.pkg.apis.meta.v1.Time"},
    {ValueKind::micro_time, "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"},
    {ValueKind::raw_json, "io.k8s.apimachinery.pkg.runtime.RawExtension"},
};

const char* special_name(ValueKind kind) {
  for (const auto& special : kSpecials) {
    if (special.kind == kind) return special.name;
  }
  return nullptr;
}

json::object special_schema(ValueKind kind) {
  switch (kind) {
    case ValueKind::quantity:
    case ValueKind::int_or_string:
      return {{"type", "string"}, {"format", kind == ValueKind::quantity ? "quantity" : "int-or-string"},
              {"x-kubernetes-int-or-string", true}, {"description", ""}};
    case ValueKind::time: return {{"type", "string"}, {"format", "date-time"}, {"description", ""}};
    case ValueKind::micro_time:
      return {{"type", "string"}, {"format", "date-time"}, {"description", ""}};
    default: return {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}, {"description", ""}};
  }
}

json::object ref(std::string_view name) {
  return {{"$ref", std::string(kRefPrefix) + std::string(name)}};
}

json::object value_schema(const Field& field) {
  switch (field.kind) {
    case ValueKind::string: return {{"type", "string"}};
    case ValueKind::int32: return {{"type", "integer"}, {"format", "int32"}};
    case ValueKind::int64: return {{"type", "integer"}, {"format", "int64"}};
    case ValueKind::boolean: return {{"type", "boolean"}};
    case ValueKind::float64: return {{"type", "number"}, {"format", "double"}};
    case ValueKind::bytes: return {{"type", "string"}, {"format", "byte"}};
    case ValueKind::message: return ref(detail::message_of(field).openapi_name);
    default: return ref(special_name(field.kind));
  }
}

json::object field_schema(const Field& field) {
  json::object schema;
  switch (field.shape) {
    case Shape::single: schema = value_schema(field); break;
    case Shape::list: schema = {{"type", "array"}, {"items", value_schema(field)}}; break;
    case Shape::map:
      schema = {{"type", "object"}, {"additionalProperties", value_schema(field)}};
      break;
  }
  schema["description"] = "";
  return schema;
}

void add_properties(const MessageType& type, json::object& properties) {
  for (std::size_t i = 0; i < type.field_count; ++i) {
    const Field& field = type.fields[i];
    if (field.flags & detail::kInline) {
      add_properties(detail::message_of(field), properties);
    } else {
      properties[field.json_name] = field_schema(field);
    }
  }
}

json::object type_schema(const MessageType& type) {
  json::object properties;
  if (type.top_level_kind) {
    properties["apiVersion"] = {{"type", "string"}, {"description", ""}};
    properties["kind"] = {{"type", "string"}, {"description", ""}};
  }
  add_properties(type, properties);
  json::object schema{{"type", "object"}, {"description", ""}, {"properties", std::move(properties)}};
  if (type.top_level_kind) {
    schema["x-kubernetes-group-version-kind"] =
        json::array{json::object{{"group", type.group}, {"kind", type.name}, {"version", type.version}}};
  }
  return schema;
}

// Adds `type` and everything it reaches to `schemas`.
void collect(const MessageType& type, json::object& schemas, std::set<const MessageType*>& seen) {
  if (!seen.insert(&type).second) return;
  schemas[type.openapi_name] = type_schema(type);
  for (std::size_t i = 0; i < type.field_count; ++i) {
    const Field& field = type.fields[i];
    if (field.kind == ValueKind::message) {
      collect(detail::message_of(field), schemas, seen);
    } else if (const char* name = special_name(field.kind)) {
      schemas[name] = special_schema(field.kind);
    }
  }
}

}  // namespace

json::object openapi_schemas(std::string_view group, std::string_view version) {
  json::object schemas;
  std::set<const MessageType*> seen;
  for (std::size_t i = 0; i < detail::kMessageTypeCount; ++i) {
    const MessageType& type = detail::kMessageTypes[i];
    if (type.top_level_kind && group == type.group && version == type.version) {
      collect(type, schemas, seen);
    }
  }
  return schemas;
}

}  // namespace kscratch::apiserver::schema
