#pragma once
// A schema of the built-in Kubernetes kinds, transcribed from upstream's types.go (json names,
// protobuf field numbers, Go field types). It serves three needs of the apiserver:
//   - fieldValidation=Strict|Warn: unknown_fields() lists the JSON paths upstream would report;
//   - protobuf request bodies (kubectl's typed commands): decode_protobuf() turns them into the
//     JSON object the JSON API would have received;
//   - OpenAPI v3 component schemas: openapi_schemas().
// Every function takes untrusted input and reports problems as values; none of them throws.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "kscratch/util/expected.h"

namespace kscratch::apiserver::schema {

namespace detail {
struct MessageType;
}
// One API message type (e.g. io.k8s.api.apps.v1.Deployment); opaque to callers.
using Type = detail::MessageType;

// The media type kubectl uses for protobuf bodies.
inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";

// The top-level kind served at group/version ("" is the core group), or nullptr. DeleteOptions
// and Status are found in every group and version that has a v1, as upstream serves them there.
const Type* find_kind(std::string_view group, std::string_view version, std::string_view kind);

// The type's OpenAPI name, e.g. "io.k8s.api.apps.v1.Deployment".
std::string_view openapi_name(const Type& type);

// Paths of the fields in `object` that `type` does not define, formatted as upstream's strict
// decoder prints them: "spec.replicaz", "spec.template.spec.containers[0].imagez", map entries as
// ".key". apiVersion and kind are known on top-level kinds; free-form fields (RawExtension,
// FieldsV1) accept anything. Deduplicated, in document order, at most 100 like upstream.
std::vector<std::string> unknown_fields(const Type& type, const boost::json::value& object);

// Paths of object keys that appear more than once in the JSON text, e.g. "metadata.name", as
// upstream's strict decoder reports them (duplicates vanish once the text is parsed, so this
// works on the text). Malformed JSON yields whatever was found before the error.
std::vector<std::string> duplicate_fields(std::string_view json_text);

// Upstream's wording for a strict decoding failure's detail, e.g.
// `unknown field "spec.replicaz", duplicate field "metadata.name"` (append after
// "strict decoding error: ").
std::string strict_error_detail(const std::vector<std::string>& unknown,
                                const std::vector<std::string>& duplicate);

// Decodes a body of Content-Type application/vnd.kubernetes.protobuf: the magic "k8s\0", then a
// runtime.Unknown whose TypeMeta names the kind and whose raw bytes are the object encoded per
// upstream's generated.proto. Returns the JSON object (apiVersion and kind first) with Go's
// omitempty rules applied, so it matches what the JSON API would have received.
Expected<boost::json::value> decode_protobuf(std::string_view body);

// OpenAPI v3 component schemas (name -> schema) for the kinds of group/version and every type
// they reach. Top-level kinds carry x-kubernetes-group-version-kind; descriptions are empty.
boost::json::object openapi_schemas(std::string_view group, std::string_view version);

}  // namespace kscratch::apiserver::schema
