// Quantity's canonical string, scaled values, comparison and arithmetic, following upstream's
// CanonicalizeBytes, AsCanonicalBytes and ScaledValue.

#include <algorithm>
#include <climits>

#include "kscratch/apimachinery/quantity.h"
#include "quantity_internal.h"

namespace kscratch::apimachinery::quantity {
namespace {

Int128 abs128(Int128 v) { return v < 0 ? -v : v; }

constexpr Int128 kInt128Max = ((Int128{1} << 126) - 1) * 2 + 1;

// v * 10^n, or nothing on overflow.
std::optional<Int128> shift_left(Int128 v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (abs128(v) > kInt128Max / 10) return std::nullopt;
    v *= 10;
  }
  return v;
}

// Moves factors of base out of v, counting them.
int64_t remove_factors(Int128& v, int base) {
  int64_t times = 0;
  bool negative = v < 0;
  Int128 m = abs128(v);
  while (m >= base && m % base == 0) {
    m /= base;
    ++times;
  }
  v = negative ? -m : m;
  return times;
}

std::string decimal_suffix(int64_t exponent) {
  switch (exponent) {
    case -9: return "n";
    case -6: return "u";
    case -3: return "m";
    case 3: return "k";
    case 6: return "M";
    case 9: return "G";
    case 12: return "T";
    case 15: return "P";
    case 18: return "E";
    default: return "";  // Upstream writes no suffix for exponents outside its table.
  }
}

std::string binary_suffix(int64_t exponent) {
  static constexpr const char* kSuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  return exponent >= 0 && exponent <= 6 ? kSuffixes[exponent] : "";
}

}  // namespace

namespace detail {

std::string int128_to_string(Int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  // Work on the negative range so the minimum value does not overflow.
  std::string out;
  Int128 n = negative ? v : -v;
  while (n != 0) {
    out += static_cast<char>('0' - static_cast<int>(n % 10));
    n /= 10;
  }
  if (negative) out += '-';
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace detail

Quantity Quantity::from_scaled(int64_t value, int32_t scale, Format format) {
  Quantity q;
  q.unscaled_ = value;
  q.scale_ = scale;
  q.format_ = format;
  return q;
}

std::string Quantity::to_string() const {
  if (!cached_.empty()) return cached_;
  if (unscaled_ == 0) return "0";
  Format format = format_;
  if (format == Format::kBinarySI) {
    // Small or fractional binary amounts print in decimal so nothing is rounded.
    if (*this > from_scaled(-1024, 0) && *this < from_scaled(1024, 0)) {
      format = Format::kDecimalSI;
    } else if (scale_ < 0) {
      Int128 m = unscaled_;
      int64_t zeros = remove_factors(m, 10);
      if (zeros < -static_cast<int64_t>(scale_)) format = Format::kDecimalSI;
    }
  }
  if (format == Format::kBinarySI) {
    std::optional<Int128> whole = scale_ >= 0 ? shift_left(unscaled_, scale_) : std::optional<Int128>{};
    if (!whole) {
      Int128 m = unscaled_;
      int64_t zeros = remove_factors(m, 10);
      whole = shift_left(m, zeros + scale_);
    }
    if (whole) {
      Int128 amount = *whole;
      int64_t exponent = remove_factors(amount, 1024);
      return detail::int128_to_string(amount) + binary_suffix(exponent);
    }
    format = Format::kDecimalSI;
  }
  Int128 amount = unscaled_;
  int64_t exponent = scale_ + remove_factors(amount, 10);
  // Make the exponent a multiple of 3: 1.1e5 prints as 110k.
  int64_t rem = exponent % 3;
  if (rem == 1 || rem == -2) {
    amount *= 10;
    exponent -= 1;
  } else if (rem == 2 || rem == -1) {
    amount *= 100;
    exponent -= 2;
  }
  std::string number = detail::int128_to_string(amount);
  if (format == Format::kDecimalExponent) return exponent == 0 ? number : number + "e" + std::to_string(exponent);
  return number + decimal_suffix(exponent);
}

int64_t Quantity::scaled_value(int32_t scale) const {
  Int128 result;
  if (scale_ >= scale) {
    std::optional<Int128> shifted = shift_left(unscaled_, static_cast<int64_t>(scale_) - scale);
    if (!shifted) return unscaled_ < 0 ? INT64_MIN : INT64_MAX;
    result = *shifted;
  } else {
    // Dividing rounds away from zero, as upstream's negativeScaleInt64.
    Int128 m = abs128(unscaled_);
    bool inexact = false;
    for (int64_t i = 0; i < static_cast<int64_t>(scale) - scale_ && m != 0; ++i) {
      if (m % 10 != 0) inexact = true;
      m /= 10;
    }
    if (inexact) ++m;
    result = unscaled_ < 0 ? -m : m;
  }
  if (result > INT64_MAX) return INT64_MAX;
  if (result < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(result);
}

std::strong_ordering Quantity::operator<=>(const Quantity& other) const {
  if (sign() != other.sign()) return sign() <=> other.sign();
  if (sign() == 0) return std::strong_ordering::equal;
  // Same sign: compare magnitudes by the place of the leading digit, then digit by digit.
  std::string a = detail::int128_to_string(abs128(unscaled_));
  std::string b = detail::int128_to_string(abs128(other.unscaled_));
  int64_t lead_a = static_cast<int64_t>(a.size()) + scale_;
  int64_t lead_b = static_cast<int64_t>(b.size()) + other.scale_;
  std::strong_ordering magnitude = lead_a <=> lead_b;
  if (magnitude == 0) {
    size_t n = std::max(a.size(), b.size());
    a.resize(n, '0');
    b.resize(n, '0');
    int c = a.compare(b);
    magnitude = c <=> 0;
  }
  if (sign() > 0) return magnitude;
  return 0 <=> magnitude;
}

Expected<Quantity> Quantity::add(const Quantity& other) const {
  int32_t scale = std::min(scale_, other.scale_);
  std::optional<Int128> a = shift_left(unscaled_, static_cast<int64_t>(scale_) - scale);
  std::optional<Int128> b = shift_left(other.unscaled_, static_cast<int64_t>(other.scale_) - scale);
  if (!a || !b || (*b > 0 && *a > kInt128Max - *b) || (*b < 0 && *a < -kInt128Max - *b)) {
    return make_error("quantity out of range");
  }
  Quantity q;
  q.unscaled_ = *a + *b;
  q.scale_ = scale;
  q.format_ = is_zero() ? other.format_ : format_;
  return q;
}

Expected<Quantity> Quantity::sub(const Quantity& other) const {
  Expected<Quantity> r = add(other.neg());
  if (r && is_zero()) r->format_ = other.format_;
  return r;
}

Quantity Quantity::neg() const {
  Quantity q = *this;
  q.cached_.clear();
  q.unscaled_ = -q.unscaled_;
  return q;
}

}  // namespace kscratch::apimachinery::quantity
