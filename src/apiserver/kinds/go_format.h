#pragma once
// Go value formatting that upstream's validation messages embed: strconv.Quote for strings and
// the %#v renderings of maps, slices and the few structs whose values appear in messages.

#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace kscratch::apiserver::kinds {

// Go's strconv.Quote (also what %q and %#v print for strings).
std::string go_quote(std::string_view s);
// %v of a float64: shortest digits, exponent form only for very large or small values.
std::string go_float(double d);
// %#v of a map[string]string; null or absent prints map[string]string(nil).
std::string go_string_map(const boost::json::value* map);
// %#v of a []string; null or absent prints []string(nil).
std::string go_string_slice(const boost::json::value* list);
// %#v of a dereferenced *metav1.LabelSelector (v1.LabelSelector{MatchLabels:..., ...}).
std::string go_label_selector(const boost::json::value& selector);
// %#v of an intstr.IntOrString (intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}).
std::string go_int_or_string(const boost::json::value& v);
// metav1.Time's String(): "2006-01-02 15:04:05 +0000 UTC" for an RFC 3339 UTC timestamp.
std::string go_time(std::string_view rfc3339);

}  // namespace kscratch::apiserver::kinds
