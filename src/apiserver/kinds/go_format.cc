// Go value formatting for validation messages; see go_format.h.

#include "go_format.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

// Decodes one UTF-8 sequence at s[i] as Go does: the rune and its width, or (-1, 1) for a
// byte that does not start a valid sequence.
std::pair<int32_t, size_t> decode_rune(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  size_t width = 0;
  int32_t rune = 0;
  int32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    width = 2, rune = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    width = 3, rune = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    width = 4, rune = b0 & 0x07, min = 0x10000;
  } else {
    return {-1, 1};
  }
  if (i + width > s.size()) return {-1, 1};
  for (size_t k = 1; k < width; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return {-1, 1};
    rune = (rune << 6) | (b & 0x3F);
  }
  if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) return {-1, 1};
  return {rune, width};
}

// An approximation of unicode.IsPrint for non-ASCII runes: separators, format characters and
// private use areas are escaped, everything else prints as is.
bool is_printable_non_ascii(int32_t r) {
  if (r < 0xA1 || r == 0xAD) return false;
  if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F)) return false;
  if (r == 0x3000 || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB)) return false;
  if ((r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000) return false;
  return true;
}

std::string string_of(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : ""; }

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto [rune, width] = decode_rune(s, i);
    if (rune < 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
    } else if (rune == '"' || rune == '\\') {
      out += '\\';
      out += static_cast<char>(rune);
    } else if (rune >= 0x20 && rune < 0x7F) {
      out += static_cast<char>(rune);
    } else if (rune >= 0x80 && is_printable_non_ascii(rune)) {
      out.append(s.substr(i, width));
    } else {
      switch (rune) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (rune < 0x20 || rune == 0x7F) {
            out += fmt::format("\\x{:02x}", rune);
          } else if (rune < 0x10000) {
            out += fmt::format("\\u{:04x}", rune);
          } else {
            out += fmt::format("\\U{:08x}", rune);
          }
      }
    }
    i += width;
  }
  out += '"';
  return out;
}

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
