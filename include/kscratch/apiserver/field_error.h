#pragma once
// Validation errors as upstream's field.Error (k8s.io/apimachinery/pkg/util/validation/
// field): a type, the path of the field, the bad value and a detail. The apiserver turns
// a list of them into a 422 Invalid Status whose details.causes name each field.

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace kscratch::apiserver {

enum class FieldErrorType {
  not_found,       // "FieldValueNotFound", "Not found"
  required,        // "FieldValueRequired", "Required value"
  duplicate,       // "FieldValueDuplicate", "Duplicate value"
  invalid,         // "FieldValueInvalid", "Invalid value"
  not_supported,   // "FieldValueNotSupported", "Unsupported value"
  forbidden,       // "FieldValueForbidden", "Forbidden"
  too_long,        // "FieldValueTooLong", "Too long"
  too_many,        // "FieldValueTooMany", "Too many"
  internal,        // "InternalError", "Internal error"
  type_invalid,    // "FieldValueTypeInvalid", "Invalid value"
};

struct FieldError {
  FieldErrorType type = FieldErrorType::invalid;
  std::string field;        // e.g. "spec.template.spec.containers[0].image"
  boost::json::value bad_value;  // null when there is none to show
  std::string detail;
};

using FieldErrors = std::vector<FieldError>;

// The reason string of a StatusCause ("FieldValueInvalid").
const char* cause_reason(FieldErrorType type);
// The cause message as upstream's ErrorBody(): `Invalid value: "x": must be ...`.
std::string cause_message(const FieldError& e);
// The whole error as upstream's Error(): `spec.replicas: Invalid value: -1: must be ...`.
std::string error_text(const FieldError& e);

}  // namespace kscratch::apiserver
