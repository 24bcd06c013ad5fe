// FieldError constructors; see errors.h.

#include "errors.h"

#include <algorithm>

#include <boost/json/object.hpp>

#include "go_format.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

json::value go_value(std::string rendered) {
  json::object o;
  o["$go"] = rendered;
  return o;
}

FieldError required(const FieldPath& path, std::string detail) {
  return {FieldErrorType::required, path.str(), "", std::move(detail)};
}

FieldError forbidden(const FieldPath& path, std::string detail) {
  return {FieldErrorType::forbidden, path.str(), "", std::move(detail)};
}

FieldError invalid(const FieldPath& path, BadValue bad, std::string detail) {
  return {FieldErrorType::invalid, path.str(), std::move(bad.value), std::move(detail)};
}

FieldError duplicate(const FieldPath& path, BadValue bad) {
  return {FieldErrorType::duplicate, path.str(), std::move(bad.value), ""};
}

FieldError not_found(const FieldPath& path, BadValue bad) {
  return {FieldErrorType::not_found, path.str(), std::move(bad.value), ""};
}

FieldError not_supported(const FieldPath& path, BadValue bad, const std::vector<std::string>& valid) {
  std::string detail;
  if (!valid.empty()) {
    detail = "supported values: ";
    for (size_t i = 0; i < valid.size(); ++i) {
      if (i > 0) detail += ", ";
      detail += go_quote(valid[i]);
    }
  }
  return {FieldErrorType::not_supported, path.str(), std::move(bad.value), std::move(detail)};
}

FieldError too_long(const FieldPath& path, int64_t max_bytes) {
  return {FieldErrorType::too_long, path.str(), "", "must have at most " + std::to_string(max_bytes) + " bytes"};
}

FieldError too_many(const FieldPath& path, int64_t actual, int64_t max_items) {
  return {FieldErrorType::too_many, path.str(), actual, "must have at most " + std::to_string(max_items) + " items"};
}

FieldError type_invalid(const FieldPath& path, const json::value& bad, std::string_view want) {
  return {FieldErrorType::type_invalid, path.str(), bad, "must be of type " + std::string(want)};
}

void add_invalid(FieldErrors& errs, const FieldPath& path, const BadValue& bad,
                 const std::vector<std::string>& messages) {
  for (const std::string& msg : messages) errs.push_back(invalid(path, bad.value, msg));
}

void dedupe(FieldErrors& errs) {
  FieldErrors out;
  out.reserve(errs.size());
  for (FieldError& e : errs) {
    bool seen = std::any_of(out.begin(), out.end(), [&](const FieldError& o) {
      return o.type == e.type && o.field == e.field && o.detail == e.detail && o.bad_value == e.bad_value;
    });
    if (!seen) out.push_back(std::move(e));
  }
  errs = std::move(out);
}

}  // namespace kscratch::apiserver::kinds
