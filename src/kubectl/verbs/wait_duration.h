#pragma once
// Go's time.ParseDuration for the --timeout flags of `kubectl wait` and `kubectl drain`
// ("30s", "1m30s", "500ms", "0").

#include <chrono>
#include <optional>
#include <string>

namespace kscratch::kubectl {

inline std::optional<std::chrono::nanoseconds> parse_go_duration(const std::string& text) {
  std::string s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    long double number = std::stold(s.substr(start, i - start));
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    long double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "µs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return std::nullopt;
    total += number * scale;
  }
  auto ns = std::chrono::nanoseconds(static_cast<long long>(total));
  return negative ? -ns : ns;
}

}  // namespace kscratch::kubectl
