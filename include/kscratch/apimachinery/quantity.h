#pragma once
// resource.Quantity as k8s.io/apimachinery/pkg/api/resource: "100m", "1.5", "64Mi", "1G", "1e3".
// Values are exact (an integer times a power of ten); to_string() is upstream's canonical
// String() ("1.5" prints "1500m", "1.5Gi" prints "1536Mi"), and parsing caps at 2^63-1 and rounds
// tiny non-zero amounts up to 1n, as upstream.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::quantity {

// 128 bits hold every parsed amount at nano precision (up to (2^63-1) * 10^9). __extension__
// keeps -Wpedantic quiet about the GCC/Clang builtin type.
__extension__ typedef __int128 Int128;

// How a quantity prints: decimal exponent ("1e3"), binary SI ("Ki".."Ei") or decimal SI.
enum class Format { kDecimalExponent, kBinarySI, kDecimalSI };

class Quantity {
 public:
  Quantity() = default;  // Zero.
  // An integer amount times 10^scale (e.g. {1500, -3} is 1.5).
  static Quantity from_scaled(int64_t value, int32_t scale, Format format = Format::kDecimalSI);
  static Quantity from_milli(int64_t milli, Format format = Format::kDecimalSI) {
    return from_scaled(milli, -3, format);
  }

  // The canonical string, or the parsed text when that was already canonical.
  std::string to_string() const;
  Format format() const { return format_; }
  bool is_zero() const { return unscaled_ == 0; }
  int sign() const { return unscaled_ < 0 ? -1 : unscaled_ > 0 ? 1 : 0; }

  // Rounded up (away from zero) to whole units / thousandths; saturates at the int64 range.
  int64_t value() const { return scaled_value(0); }
  int64_t milli_value() const { return scaled_value(-3); }
  int64_t scaled_value(int32_t scale) const;

  std::strong_ordering operator<=>(const Quantity& other) const;
  bool operator==(const Quantity& other) const { return (*this <=> other) == 0; }

  // Exact sums; an error only when the result leaves the representable range (about 1.7e38
  // units at the finest scale involved).
  Expected<Quantity> add(const Quantity& other) const;
  Expected<Quantity> sub(const Quantity& other) const;
  Quantity neg() const;

 private:
  friend Expected<Quantity> parse(std::string_view text);

  Int128 unscaled_ = 0;  // value = unscaled_ * 10^scale_
  int32_t scale_ = 0;
  Format format_ = Format::kDecimalSI;
  std::string cached_;  // The parsed text, kept when it was already canonical.
};

// Parses a quantity; errors are upstream's ErrFormatWrong, ErrNumeric and ErrSuffix texts.
Expected<Quantity> parse(std::string_view text);

}  // namespace kscratch::apimachinery::quantity
