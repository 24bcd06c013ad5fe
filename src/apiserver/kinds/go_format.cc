// Go value formatting for validation messages; see go_format.h.

#include "go_format.h"

#include "kscratch/apimachinery/goformat.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

std::string string_of(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : ""; }

}  // namespace

std::string go_quote(std::string_view s) { return apimachinery::goformat::go_quote(s); }

std::string go_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  // %v switches to exponent form below 1e-4 and from 1e21 on.
  double a = std::fabs(d);
  if (a != 0 && (a < 1e-4 || a >= 1e21)) {
    std::string s = fmt::format("{:e}", d);
    // fmt writes e+21 like Go but pads nothing; trim the mantissa's trailing zeros as Go does.
    size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    if (mant.find('.') != std::string::npos) {
      while (!mant.empty() && mant.back() == '0') mant.pop_back();
      if (!mant.empty() && mant.back() == '.') mant.pop_back();
    }
    std::string exp = s.substr(e + 1);
    char sign = exp[0];
    std::string digits = exp.substr(1);
    while (digits.size() > 2 && digits[0] == '0') digits.erase(0, 1);
    return mant + "e" + sign + digits;
  }
  if (std::floor(d) == d && a < 1e21) return fmt::format("{:.0f}", d);
  return fmt::format("{}", d);
}

std::string go_string_map(const json::value* map) {
  if (map == nullptr || !map->is_object()) return "map[string]string(nil)";
  // fmt prints maps sorted by key.
  std::map<std::string, std::string> sorted;
  for (const auto& [k, v] : map->get_object()) sorted[std::string(k)] = string_of(v);
  std::string out = "map[string]string{";
  bool first = true;
  for (const auto& [k, v] : sorted) {
    if (!first) out += ", ";
    first = false;
    out += go_quote(k) + ":" + go_quote(v);
  }
  return out + "}";
}

std::string go_string_slice(const json::value* list) {
  if (list == nullptr || !list->is_array()) return "[]string(nil)";
  std::string out = "[]string{";
  bool first = true;
  for (const json::value& v : list->get_array()) {
    if (!first) out += ", ";
    first = false;
    out += go_quote(string_of(v));
  }
  return out + "}";
}

std::string go_label_selector(const json::value& selector) {
  const json::object empty;
  const json::object& obj = selector.is_object() ? selector.get_object() : empty;
  std::string out = "v1.LabelSelector{MatchLabels:" + go_string_map(obj.if_contains("matchLabels"));
  out += ", MatchExpressions:";
  const json::value* exprs = obj.if_contains("matchExpressions");
  if (exprs == nullptr || !exprs->is_array()) {
    out += "[]v1.LabelSelectorRequirement(nil)";
  } else {
    out += "[]v1.LabelSelectorRequirement{";
    bool first = true;
    for (const json::value& e : exprs->get_array()) {
      if (!first) out += ", ";
      first = false;
      const json::object& r = e.is_object() ? e.get_object() : empty;
      out += "v1.LabelSelectorRequirement{Key:" + go_quote(r.if_contains("key") ? string_of(r.at("key")) : "");
      out += ", Operator:" + go_quote(r.if_contains("operator") ? string_of(r.at("operator")) : "");
      out += ", Values:" + go_string_slice(r.if_contains("values")) + "}";
    }
    out += "}";
  }
  return out + "}";
}

std::string go_int_or_string(const json::value& v) {
  if (v.is_string()) {
    return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + go_quote(v.get_string()) + "}";
  }
  int64_t n = v.is_int64() ? v.get_int64() : v.is_uint64() ? static_cast<int64_t>(v.get_uint64()) : 0;
  return "intstr.IntOrString{Type:0, IntVal:" + std::to_string(n) + ", StrVal:\"\"}";
}

std::string go_time(std::string_view rfc3339) {
  // "2024-05-01T10:00:00Z" prints as "2024-05-01 10:00:00 +0000 UTC"; a zero time for "".
  if (rfc3339.empty()) return "0001-01-01 00:00:00 +0000 UTC";
  std::string s(rfc3339);
  if (s.size() >= 20 && s[10] == 'T' && s.back() == 'Z') {
    std::string frac = s.substr(19, s.size() - 20);  // ".123" or ""
    return s.substr(0, 10) + " " + s.substr(11, 8) + frac + " +0000 UTC";
  }
  return s;
}

}  // namespace kscratch::apiserver::kinds
