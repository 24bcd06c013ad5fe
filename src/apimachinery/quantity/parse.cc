// ParseQuantity, ported from upstream's quantity.go: the same fast path for amounts that fit an
// int64 at their scale (which keeps them uncapped, as upstream), and the same capping and
// rounding for the rest, done on decimal digit strings instead of big numbers.

#include <algorithm>
#include <climits>

#include "kscratch/apimachinery/quantity.h"
#include "quantity_internal.h"

namespace kscratch::apimachinery::quantity {
namespace {

const char* const kErrFormatWrong =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const char* const kErrNumeric = "unable to parse numeric part of quantity";
const char* const kErrSuffix = "unable to parse quantity's suffix";

constexpr int32_t kNano = -9;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Split {
  bool positive = true;
  std::string_view num;
  std::string_view denom;
  std::string_view suffix;
};

// upstream parseQuantityString.
std::optional<Split> split(std::string_view str) {
  Split out;
  size_t pos = 0;
  const size_t end = str.size();
  if (pos < end && (str[0] == '-' || str[0] == '+')) {
    out.positive = str[0] != '-';
    ++pos;
  }
  while (pos < end && str[pos] == '0') ++pos;  // Leading zeros.
  if (pos >= end) {
    out.num = "0";
    return out;
  }
  size_t start = pos;
  while (pos < end && is_digit(str[pos])) ++pos;
  out.num = str.substr(start, pos - start);
  if (out.num.empty()) out.num = "0";
  if (pos < end && str[pos] == '.') {
    ++pos;
    start = pos;
    while (pos < end && is_digit(str[pos])) ++pos;
    out.denom = str.substr(start, pos - start);
  }
  size_t suffix_start = pos;
  while (pos < end && std::string_view("eEinumkKMGTP").find(str[pos]) != std::string_view::npos) ++pos;
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) ++pos;
  while (pos < end && is_digit(str[pos])) ++pos;
  if (pos < end) return std::nullopt;
  out.suffix = str.substr(suffix_start);
  return out;
}

struct Suffix {
  int base;
  int32_t exponent;
  Format format;
};

std::optional<Suffix> interpret(std::string_view s) {
  static constexpr std::pair<std::string_view, int32_t> kDecimal[] = {
      {"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}};
  static constexpr std::pair<std::string_view, int32_t> kBinary[] = {
      {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (auto [text, exp] : kDecimal) {
    if (s == text) return Suffix{10, exp, Format::kDecimalSI};
  }
  for (auto [text, exp] : kBinary) {
    if (s == text) return Suffix{2, exp, Format::kBinarySI};
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    std::optional<int64_t> parsed = detail::parse_int64(s.substr(1));
    if (!parsed) return std::nullopt;
    // Upstream converts with int32(parsed), wrapping large exponents.
    return Suffix{10, static_cast<int32_t>(*parsed), Format::kDecimalExponent};
  }
  return std::nullopt;
}

// Multiplies a decimal digit string by 2.
void double_digits(std::string& digits) {
  int carry = 0;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = (digits[i] - '0') * 2 + carry;
    digits[i] = static_cast<char>('0' + d % 10);
    carry = d / 10;
  }
  if (carry) digits.insert(digits.begin(), static_cast<char>('0' + carry));
}

// The slow path: value = 0.digits * 10^point, capped at 2^63-1 and rounded up to whole nanos.
Int128 capped_nanos(std::string digits, int64_t point, bool& capped) {
  capped = false;
  size_t lead = digits.find_first_not_of('0');
  if (lead == std::string::npos) return 0;
  digits.erase(0, lead);
  point -= static_cast<int64_t>(lead);
  if (point > 19) {
    capped = true;
    return 0;
  }
  int64_t keep = point + 9;  // Digits at or above the nano place.
  if (keep <= 0) return 1;   // Non-zero but below 1n: rounds up.
  Int128 nanos = 0;
  for (int64_t i = 0; i < keep; ++i) {
    nanos = nanos * 10 + (i < static_cast<int64_t>(digits.size()) ? digits[static_cast<size_t>(i)] - '0' : 0);
  }
  if (static_cast<int64_t>(digits.size()) > keep &&
      digits.find_first_not_of('0', static_cast<size_t>(keep)) != std::string::npos) {
    ++nanos;
  }
  if (nanos > static_cast<Int128>(INT64_MAX) * 1'000'000'000) {
    capped = true;
    return 0;
  }
  return nanos;
}

}  // namespace

namespace detail {

std::optional<int64_t> parse_int64(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t m = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (m > (limit - d) / 10) return std::nullopt;
    m = m * 10 + d;
  }
  if (negative) return m == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(m);
  return static_cast<int64_t>(m);
}

}  // namespace detail

Expected<Quantity> parse(std::string_view str) {
  if (str.empty()) return make_error(kErrFormatWrong);
  if (str == "0") return Quantity{};
  std::optional<Split> parts = split(str);
  if (!parts) return make_error(kErrFormatWrong);
  std::optional<Suffix> suffix = interpret(parts->suffix);
  if (!suffix) return make_error(kErrSuffix);

  const std::string_view num = parts->num;
  const std::string_view denom = parts->denom;
  int32_t precision = 0;
  int64_t scale = 0;
  int64_t mantissa = 1;
  if (suffix->format == Format::kBinarySI) {
    if (suffix->exponent >= 0 && denom.empty()) {
      mantissa = int64_t{1} << suffix->exponent;
      // 1Mi has about 6 decimal digits; exponent*3/10 - 1 approximates the digits used.
      precision = 15 - static_cast<int32_t>(num.size()) - static_cast<int32_t>(static_cast<float>(suffix->exponent) * 3 / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = suffix->exponent;
    precision = 18 - static_cast<int32_t>(num.size() + denom.size());
  }

  Quantity q;
  q.format_ = suffix->format;
  if (precision >= 0) {
    // Fast path: the digits fit an int64 at a scale no finer than nano.
    scale -= static_cast<int64_t>(denom.size());
    if (scale >= kNano) {
      std::string shifted = std::string(num) + std::string(denom);
      std::optional<int64_t> value = detail::parse_int64(shifted);
      if (!value) return make_error(kErrNumeric);
      Int128 result = static_cast<Int128>(*value) * mantissa;
      if (result <= INT64_MAX) {
        q.unscaled_ = parts->positive ? result : -result;
        q.scale_ = static_cast<int32_t>(scale);
        // Upstream keeps the original text when it is already canonical.
        bool canonical = suffix->format == Format::kBinarySI
                             ? suffix->exponent % 10 == 0 && (*value & 0x07) != 0
                             : scale % 3 == 0 && !(shifted.size() >= 3 && shifted.ends_with("000")) && shifted[0] != '0';
        if (canonical) q.cached_ = std::string(str);
        return q;
      }
    }
  }

  // Slow path: exact digits, then upstream's cap at 2^63-1 and round-up to 1n.
  std::string digits = std::string(num) + std::string(denom);
  int64_t point = static_cast<int64_t>(num.size());
  if (suffix->base == 10) {
    point += suffix->exponent;
  } else {
    size_t before = digits.size();
    for (int32_t i = 0; i < suffix->exponent; ++i) double_digits(digits);
    point += static_cast<int64_t>(digits.size() - before);
  }
  bool capped = false;
  Int128 nanos = capped_nanos(std::move(digits), point, capped);
  if (capped) {
    q.unscaled_ = INT64_MAX;
    q.scale_ = 0;
  } else {
    q.unscaled_ = nanos;
    q.scale_ = kNano;
  }
  // Binary amounts below one print in decimal, avoiding rounding.
  if (q.format_ == Format::kBinarySI && q.unscaled_ > 0 && !capped && nanos < 1'000'000'000) {
    q.format_ = Format::kDecimalSI;
  }
  if (!parts->positive) q.unscaled_ = -q.unscaled_;
  return q;
}

}  // namespace kscratch::apimachinery::quantity
