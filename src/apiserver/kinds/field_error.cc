// FieldError texts exactly as upstream's field.Error.ErrorBody() and Error() print them
// (k8s.io/apimachinery/pkg/util/validation/field/errors.go, v1.32): strings quoted with %q,
// numbers and booleans plain, nil as "null", other values with %#v.
//
// Bad values are JSON here and carry no Go type, so composite values print by shape: an object
// of strings as map[string]string{...}, a list of strings as []string{...}, anything else as
// compact JSON. Validators that need an exact Go rendering (a struct, a nil map) store the
// text with kinds::go_value(), the object {"$go": text}, which prints verbatim.

#include "kscratch/apiserver/field_error.h"

#include <boost/json.hpp>

#include "go_format.h"

namespace kscratch::apiserver {
namespace json = boost::json;

namespace {

const char* type_text(FieldErrorType type) {
  switch (type) {
    case FieldErrorType::not_found: return "Not found";
    case FieldErrorType::required: return "Required value";
    case FieldErrorType::duplicate: return "Duplicate value";
    case FieldErrorType::invalid: return "Invalid value";
    case FieldErrorType::not_supported: return "Unsupported value";
    case FieldErrorType::forbidden: return "Forbidden";
    case FieldErrorType::too_long: return "Too long";
    case FieldErrorType::too_many: return "Too many";
    case FieldErrorType::internal: return "Internal error";
    case FieldErrorType::type_invalid: return "Invalid value";
  }
  return "Invalid value";
}

bool all_strings(const json::object& o) {
  for (const auto& kv : o) {
    if (!kv.value().is_string()) return false;
  }
  return true;
}

bool all_strings(const json::array& a) {
  for (const json::value& v : a) {
    if (!v.is_string()) return false;
  }
  return true;
}

std::string render_value(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return kinds::go_float(v.get_double());
    case json::kind::string: return kinds::go_quote(v.get_string());
    case json::kind::object: {
      const json::object& o = v.get_object();
      const json::value* go = o.if_contains("$go");
      if (o.size() == 1 && go != nullptr && go->is_string()) return std::string(go->get_string());
      if (all_strings(o)) return kinds::go_string_map(&v);
      return json::serialize(v);
    }
    case json::kind::array:
      if (all_strings(v.get_array())) return kinds::go_string_slice(&v);
      return json::serialize(v);
  }
  return json::serialize(v);
}

}  // namespace

const char* cause_reason(FieldErrorType type) {
  switch (type) {
    case FieldErrorType::not_found: return "FieldValueNotFound";
    case FieldErrorType::required: return "FieldValueRequired";
    case FieldErrorType::duplicate: return "FieldValueDuplicate";
    case FieldErrorType::invalid: return "FieldValueInvalid";
    case FieldErrorType::not_supported: return "FieldValueNotSupported";
    case FieldErrorType::forbidden: return "FieldValueForbidden";
    case FieldErrorType::too_long: return "FieldValueTooLong";
    case FieldErrorType::too_many: return "FieldValueTooMany";
    case FieldErrorType::internal: return "InternalError";
    case FieldErrorType::type_invalid: return "FieldValueTypeInvalid";
  }
  return "FieldValueInvalid";
}

std::string cause_message(const FieldError& e) {
  std::string s = type_text(e.type);
  switch (e.type) {
    // These never show the value.
    case FieldErrorType::required:
    case FieldErrorType::forbidden:
    case FieldErrorType::too_long:
    case FieldErrorType::internal:
      break;
    default:
      s += ": " + render_value(e.bad_value);
  }
  if (!e.detail.empty()) s += ": " + e.detail;
  return s;
}

std::string error_text(const FieldError& e) { return e.field + ": " + cause_message(e); }

}  // namespace kscratch::apiserver
