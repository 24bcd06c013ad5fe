#pragma once
// JSON helpers shared by the patch implementations. They model how upstream's Go code sees
// decoded JSON: k8s.io/apimachinery/pkg/util/json turns whole numbers into int64 and others
// into float64, and Go compares interface values by dynamic type and value.

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::patch_detail {

// The Go dynamic type a decoded JSON value would have.
enum class GoKind { kNil, kBool, kInt, kFloat, kString, kMap, kSlice };

GoKind go_kind(const boost::json::value& v);
// The reflect.Kind spelling upstream prints in type errors: "map", "slice", "int64", ...
std::string_view go_kind_name(GoKind kind);

// Deep equality as reflect.DeepEqual on decoded JSON: numbers compare by value within the
// same Go kind (so 1 and 1.0 are equal, as both decode to int64 1), objects ignore key order.
bool json_equal(const boost::json::value& a, const boost::json::value& b);

// A string that is equal for two values exactly when json_equal holds for scalars; used to
// hash list items. Containers get their serialization, which suffices for their rare use here.
std::string identity_key(const boost::json::value& v);

// fmt.Sprintf("%v", v): upstream sorts list items by this text.
std::string go_format(const boost::json::value& v);

// Whether objects/arrays in `v` nest deeper than `limit` levels. Iterative, so it is safe to
// call on any input before the recursive algorithms see it.
bool nesting_exceeds(const boost::json::value& v, std::size_t limit);
// The nesting depth of `v` (a scalar is 0, {} is 1), computed iteratively.
std::size_t nesting_depth(const boost::json::value& v);
// The number of values in `v`, counting `v` itself, computed iteratively.
std::size_t node_count(const boost::json::value& v);

// Refuses inputs deeper than kMaxPatchNestingDepth with an error naming `what`.
Status check_nesting(const boost::json::value& v, std::string_view what);

}  // namespace kscratch::apimachinery::patch_detail
