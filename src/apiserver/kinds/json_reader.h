#pragma once
// Typed, non-throwing access to JSON fields for validation. A field that is present with the
// wrong JSON type is reported once as a FieldValueTypeInvalid error and then treated as
// absent, so each validator can carry on with the rest of the object as upstream would with
// a zero value.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "errors.h"
#include "field_path.h"

namespace kscratch::apiserver::kinds {

using StringMap = std::map<std::string, std::string>;

inline constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
inline constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

class Reader {
 public:
  explicit Reader(FieldErrors& errs) : errs_(errs) {}

  FieldErrors& errors() { return errs_; }
  void add(FieldError e) { errs_.push_back(std::move(e)); }

  // Each returns nothing when the key is absent or null, and reports a wrong type.
  const boost::json::object* object(const boost::json::object& parent, std::string_view key, const FieldPath& path);
  const boost::json::array* array(const boost::json::object& parent, std::string_view key, const FieldPath& path);
  std::optional<std::string> string(const boost::json::object& parent, std::string_view key, const FieldPath& path);
  std::optional<bool> boolean(const boost::json::object& parent, std::string_view key, const FieldPath& path);
  // Integers within [lo, hi] (int32 by default, as most Kubernetes integer fields are).
  std::optional<int64_t> integer(const boost::json::object& parent, std::string_view key, const FieldPath& path,
                                 int64_t lo = kInt32Min, int64_t hi = kInt32Max);
  std::optional<int64_t> int64(const boost::json::object& parent, std::string_view key, const FieldPath& path) {
    return integer(parent, key, path, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  }
  // A map[string]string; a non-string entry is reported at path[key].
  std::optional<StringMap> string_map(const boost::json::object& parent, std::string_view key, const FieldPath& path);
  // The elements of a list that must be objects; others are reported at path[i].
  const boost::json::object* element_object(const boost::json::value& v, const FieldPath& path);
  // A []string; non-string elements are reported at path[i] and skipped.
  std::optional<std::vector<std::string>> string_list(const boost::json::object& parent, std::string_view key,
                                                      const FieldPath& path);

 private:
  FieldErrors& errs_;
};

// Quiet accessors for places that only look (defaulting, and re-reading already checked
// fields): the wrong type reads as absent.
const boost::json::object* find_object(const boost::json::object& parent, std::string_view key);
boost::json::object* find_object(boost::json::object& parent, std::string_view key);
const boost::json::array* find_array(const boost::json::object& parent, std::string_view key);
boost::json::array* find_array(boost::json::object& parent, std::string_view key);
std::string string_or(const boost::json::object& parent, std::string_view key, std::string_view fallback = "");
std::optional<int64_t> find_int(const boost::json::object& parent, std::string_view key);
bool bool_or(const boost::json::object& parent, std::string_view key, bool fallback);
// True when the key is present and not null (Go's non-nil pointer).
bool has(const boost::json::object& parent, std::string_view key);
// A JSON number as an integer when it is one (3 and 3.0 both are).
std::optional<int64_t> as_integer(const boost::json::value& v);

// The object at key for defaulting: created when absent or null, nothing when the key holds
// another type (validation reports that, so defaulting must not paper over it).
boost::json::object* object_for_defaults(boost::json::object& parent, std::string_view key);
// Sets key to value unless a non-null value is present.
void default_value(boost::json::object& parent, std::string_view key, boost::json::value value);
// Sets key unless a non-empty string is present (upstream defaults "" like a missing value).
void default_string(boost::json::object& parent, std::string_view key, std::string_view value);

}  // namespace kscratch::apiserver::kinds
