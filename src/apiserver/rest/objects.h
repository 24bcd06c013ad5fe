#pragma once
// JSON helpers for API objects: decoding request bodies safely, metadata access, and
// the mapping between objects and store keys.

#include "errors.h"
#include "kscratch/apiserver/resource.h"
#include "kscratch/store/store.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <variant>

namespace kscratch::apiserver::rest {

namespace json = boost::json;

// Parses a request body as JSON, or as YAML when the content type says so. Deeply
// nested or malformed input is an ApiError (400), never a crash.
std::variant<json::value, ApiError> decode_body(const std::string& body, const std::string& content_type);

// The value at a dotted path of objects ("metadata.name"), or nullptr.
const json::value* find_path(const json::object& o, std::string_view dotted);
std::string string_at(const json::object& o, std::string_view dotted);
json::object& child_object(json::object& o, std::string_view key);

std::string new_uid();
std::string now_rfc3339();

// Store keys: /registry/<group or core>/<plural>/[<namespace>/]<name>.
std::string key_prefix(const Resource& r, const std::string& namespace_);
std::string object_key(const Resource& r, const std::string& namespace_, const std::string& name);

// The object as stored (no resourceVersion inside: the store's revision is the truth),
// and as served (resourceVersion set from the revision).
std::string to_stored(json::object object);
std::optional<json::object> from_stored(const std::string& value, store::Revision mod_revision);

std::string serialize(const json::value& v);

}  // namespace kscratch::apiserver::rest
