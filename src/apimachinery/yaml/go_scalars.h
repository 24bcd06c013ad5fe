#pragma once
// How go-yaml v2 (behind sigs.k8s.io/yaml) resolves plain scalars, and how Go formats floats.
// Both directions need them: decoding decides what `yes` or `0x1F` mean, encoding decides which
// strings must be quoted so that they read back as strings.

#include <cstdint>
#include <string>
#include <string_view>

namespace kscratch::apimachinery::yaml::detail {

enum class ScalarKind { kNull, kBool, kInt, kUint, kFloat, kTimestamp, kString };

struct Resolved {
  ScalarKind kind = ScalarKind::kString;
  bool boolean = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double float_value = 0;
};

// go-yaml v2's resolve("", s) for an untagged plain scalar (YAML 1.1 booleans such as yes/on/y,
// 0x/0o/0b and leading-zero octal integers, underscores in numbers, .inf/.nan, timestamps).
Resolved resolve_plain(std::string_view s);

// Strings like "1:20" that YAML 1.1 readers take for sexagesimal numbers; go-yaml quotes them.
bool is_base60_float(std::string_view s);

// strconv.FormatFloat(f, 'g', -1, 64) and the 32-bit variant used for float map keys.
std::string go_format_g(double f);
std::string go_format_g32(float f);
// encoding/json's float format: 'f' for 1e-6 <= |f| < 1e21, else 'e' without a zero-padded exponent.
std::string go_json_float(double f);

}  // namespace kscratch::apimachinery::yaml::detail
