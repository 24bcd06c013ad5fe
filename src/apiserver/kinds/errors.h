#pragma once
// Constructors for FieldErrors, named like upstream's field.Required, field.Invalid, ... so the
// validation code reads like the Go code it follows.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "field_path.h"
#include "kscratch/apiserver/field_error.h"

namespace kscratch::apiserver::kinds {

// A bad value as validators pass it: strings, integers, JSON values. (boost::json::value does
// not convert implicitly from std::string, which every other call would have to spell out.)
struct BadValue {
  boost::json::value value;
  BadValue(boost::json::value v) : value(std::move(v)) {}  // NOLINT: implicit on purpose
  BadValue(const boost::json::object& o) : value(o) {}     // NOLINT
  BadValue(const boost::json::array& a) : value(a) {}      // NOLINT
  BadValue(const std::string& s) : value(boost::json::string_view(s.data(), s.size())) {}  // NOLINT
  BadValue(std::string_view s) : value(boost::json::string_view(s.data(), s.size())) {}    // NOLINT
  BadValue(const char* s) : value(s) {}                    // NOLINT
  BadValue(int64_t n) : value(n) {}                        // NOLINT
  BadValue(int n) : value(n) {}                            // NOLINT
  BadValue(std::nullptr_t) : value(nullptr) {}             // NOLINT
};

// A bad value that prints verbatim in messages: the Go %#v rendering of a struct, a nil map...
// It is stored as the object {"$go": text}, which field_error.cc recognises.
boost::json::value go_value(std::string rendered);

FieldError required(const FieldPath& path, std::string detail = "");
FieldError forbidden(const FieldPath& path, std::string detail);
FieldError invalid(const FieldPath& path, BadValue bad, std::string detail);
FieldError duplicate(const FieldPath& path, BadValue bad);
FieldError not_found(const FieldPath& path, BadValue bad);
FieldError not_supported(const FieldPath& path, BadValue bad, const std::vector<std::string>& valid);
FieldError too_long(const FieldPath& path, int64_t max_bytes);
FieldError too_many(const FieldPath& path, int64_t actual, int64_t max_items);
// A field with the wrong JSON type; `want` names the expected type ("integer", "string"...).
FieldError type_invalid(const FieldPath& path, const boost::json::value& bad, std::string_view want);

// Upstream's FieldImmutableErrorMsg and IsNegativeErrorMsg.
inline constexpr std::string_view kImmutable = "field is immutable";
inline constexpr std::string_view kNegative = "must be greater than or equal to 0";

// Appends messages as field.Invalid errors, the common shape of upstream's name checks.
void add_invalid(FieldErrors& errs, const FieldPath& path, const BadValue& bad,
                 const std::vector<std::string>& messages);

// Drops exact repeats, as upstream's ErrorList.ToAggregate does, keeping the first.
void dedupe(FieldErrors& errs);

}  // namespace kscratch::apiserver::kinds
