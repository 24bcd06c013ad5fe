#include "go_scalars.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace kscratch::apimachinery::yaml::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// strconv.ParseUint(s, base, 64) magnitude parsing for one base; digits only.
std::optional<uint64_t> parse_magnitude(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return v;
}

// Base 0 prefixes of strconv: 0x, 0o, 0b, or a leading 0 for octal.
std::optional<uint64_t> parse_base0_magnitude(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0') {
    char p = s[1];
    if (p == 'x' || p == 'X') return parse_magnitude(s.substr(2), 16);
    if (p == 'o' || p == 'O') return parse_magnitude(s.substr(2), 8);
    if (p == 'b' || p == 'B') return parse_magnitude(s.substr(2), 2);
    return parse_magnitude(s.substr(1), 8);
  }
  return parse_magnitude(s, 10);
}

// strconv.ParseInt(s, 0, 64).
std::optional<int64_t> parse_int_base0(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<uint64_t> m = parse_base0_magnitude(s);
  if (!m) return std::nullopt;
  if (negative) {
    if (*m > (uint64_t{1} << 63)) return std::nullopt;
    return *m == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(*m);
  }
  if (*m > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*m);
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool matches_yaml_style_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  } else {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

// strconv.ParseFloat for decimal text already known to be well formed: fails on overflow.
std::optional<double> parse_decimal_float(std::string_view s) {
  std::string copy(s);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  if (std::isinf(v)) return std::nullopt;  // Go reports ErrRange for overflow, not for underflow.
  return v;
}

// "2006-1-2" style: 1 or 2 digits.
std::optional<int> take_number(std::string_view& s, size_t max_digits) {
  size_t n = 0;
  int v = 0;
  while (n < s.size() && n < max_digits && is_digit(s[n])) v = v * 10 + (s[n++] - '0');
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Whether Go's time.Parse accepts s in one of go-yaml's timestamp layouts:
// "2006-1-2T15:4:5.999999999Z07:00" (also with 't'), "2006-1-2 15:4:5.999999999", "2006-1-2".
bool looks_like_timestamp(std::string_view s) {
  if (s.size() < 5) return false;
  for (int i = 0; i < 4; ++i) {
    if (!is_digit(s[i])) return false;
  }
  if (s[4] != '-') return false;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  s.remove_prefix(5);
  auto month = take_number(s, 2);
  if (!month || *month < 1 || *month > 12 || s.empty() || s[0] != '-') return false;
  s.remove_prefix(1);
  auto day = take_number(s, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max_day = *month == 2 && is_leap(year) ? 29 : kDays[*month - 1];
  if (!day || *day < 1 || *day > max_day) return false;
  if (s.empty()) return true;
  bool zoned = s[0] == 'T' || s[0] == 't';
  if (!zoned && s[0] != ' ') return false;
  s.remove_prefix(1);
  if (!zoned) {
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);  // Go's parser skips runs of spaces.
  }
  auto hour = take_number(s, 2);
  if (!hour || *hour >= 24 || s.empty() || s[0] != ':') return false;
  s.remove_prefix(1);
  auto minute = take_number(s, 2);
  if (!minute || *minute >= 60 || s.empty() || s[0] != ':') return false;
  s.remove_prefix(1);
  auto second = take_number(s, 2);
  if (!second || *second >= 60) return false;
  if (s.size() >= 2 && (s[0] == '.' || s[0] == ',') && is_digit(s[1])) {
    s.remove_prefix(1);
    while (!s.empty() && is_digit(s[0])) s.remove_prefix(1);
  }
  if (!zoned) return s.empty();
  if (s == "Z") return true;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return false;
  return is_digit(s[1]) && is_digit(s[2]) && is_digit(s[4]) && is_digit(s[5]) &&
         (s[1] - '0') * 10 + (s[2] - '0') <= 24 && (s[4] - '0') * 10 + (s[5] - '0') <= 60;
}

// Shortest round-trip digits and decimal point position of a finite, non-zero value.
struct Digits {
  std::string digits;  // No leading or trailing zeros.
  int dp = 0;          // Decimal point position: value = 0.digits * 10^dp.
  bool negative = false;
};

template <class Float>
Digits shortest_digits(Float f) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  (void)ec;
  std::string_view text(buf, static_cast<size_t>(end - buf));
  Digits d;
  if (!text.empty() && text[0] == '-') {
    d.negative = true;
    text.remove_prefix(1);
  }
  size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c != '.') d.digits += c;
  }
  int exp = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+' ? 1 : 0), text.data() + text.size(), exp);
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  d.dp = exp + 1;
  return d;
}

// Go's %e with prec digits after the point and a two-digit minimum exponent.
std::string format_e(const Digits& d, int prec) {
  std::string out = d.negative ? "-" : "";
  out += d.digits[0];
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) out += i < static_cast<int>(d.digits.size()) ? d.digits[i] : '0';
  }
  int exp = d.dp - 1;
  out += exp < 0 ? "e-" : "e+";
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out += '0';
  out += std::to_string(a);
  return out;
}

// Go's %f with prec digits after the point.
std::string format_f(const Digits& d, int prec) {
  std::string out = d.negative ? "-" : "";
  int nd = static_cast<int>(d.digits.size());
  if (d.dp > 0) {
    for (int i = 0; i < d.dp; ++i) out += i < nd ? d.digits[i] : '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 0; i < prec; ++i) {
      int j = d.dp + i;
      out += j >= 0 && j < nd ? d.digits[j] : '0';
    }
  }
  return out;
}

template <class Float>
std::string format_g_shortest(Float f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  Digits d = shortest_digits(f);
  int nd = static_cast<int>(d.digits.size());
  int exp = d.dp - 1;
  // Shortest 'g' switches to %e from exponent 6 on (strconv's eprec = 6 rule).
  if (exp < -4 || exp >= 6) return format_e(d, nd - 1);
  return format_f(d, std::max(nd - d.dp, 0));
}

}  // namespace

Resolved resolve_plain(std::string_view s) {
  Resolved r;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    r.kind = ScalarKind::kNull;
    return r;
  }
  char c = s[0];
  bool map_hint = std::string_view("yYnNtTfFoO").find(c) != std::string_view::npos;
  if (map_hint) {
    static constexpr std::string_view kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    static constexpr std::string_view kFalse[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    for (std::string_view t : kTrue) {
      if (s == t) return Resolved{ScalarKind::kBool, true};
    }
    for (std::string_view f : kFalse) {
      if (s == f) return Resolved{ScalarKind::kBool, false};
    }
    return r;
  }
  if (c == '.' || c == '+' || c == '-') {
    static constexpr std::string_view kNaN[] = {".nan", ".NaN", ".NAN"};
    static constexpr std::string_view kInf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"};
    static constexpr std::string_view kNegInf[] = {"-.inf", "-.Inf", "-.INF"};
    for (std::string_view t : kNaN) {
      if (s == t) return Resolved{ScalarKind::kFloat, false, 0, 0, std::nan("")};
    }
    for (std::string_view t : kInf) {
      if (s == t) return Resolved{ScalarKind::kFloat, false, 0, 0, HUGE_VAL};
    }
    for (std::string_view t : kNegInf) {
      if (s == t) return Resolved{ScalarKind::kFloat, false, 0, 0, -HUGE_VAL};
    }
  }
  if (c == '.') {
    // Not in the table, so maybe a float such as ".5" (Go's ParseFloat without underscores).
    if (matches_yaml_style_float(s)) {
      if (auto f = parse_decimal_float(s)) return Resolved{ScalarKind::kFloat, false, 0, 0, *f};
    }
    return r;
  }
  if (!is_digit(c) && c != '+' && c != '-') return r;
  if (is_digit(c) && looks_like_timestamp(s)) {
    r.kind = ScalarKind::kTimestamp;
    return r;
  }
  std::string plain;
  for (char ch : s) {
    if (ch != '_') plain += ch;
  }
  if (auto i = parse_int_base0(plain)) return Resolved{ScalarKind::kInt, false, *i};
  if (plain[0] != '+' && plain[0] != '-') {
    if (auto u = parse_base0_magnitude(plain)) return Resolved{ScalarKind::kUint, false, 0, *u};
  }
  if (matches_yaml_style_float(plain)) {
    if (auto f = parse_decimal_float(plain)) return Resolved{ScalarKind::kFloat, false, 0, 0, *f};
  }
  return r;
}

bool is_base60_float(std::string_view s) {
  // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i]) && i - start < 2) ++i;
    size_t n = i - start;
    if (n == 0 || (n == 2 && s[start] > '5')) return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

std::string go_format_g(double f) { return format_g_shortest(f); }

std::string go_format_g32(float f) { return format_g_shortest(f); }

std::string go_json_float(double f) {
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  Digits d = shortest_digits(f);
  double a = std::fabs(f);
  int nd = static_cast<int>(d.digits.size());
  if (a < 1e-6 || a >= 1e21) {
    std::string out = format_e(d, nd - 1);
    // encoding/json trims "e-07" to "e-7".
    size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
    return out;
  }
  return format_f(d, std::max(nd - d.dp, 0));
}

}  // namespace kscratch::apimachinery::yaml::detail
