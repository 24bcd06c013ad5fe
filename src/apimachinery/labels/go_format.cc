#include "go_format.h"

#include "kscratch/apimachinery/goformat.h"

#include <cstdint>
#include <set>

#include <fmt/format.h>

namespace kscratch::apimachinery::labels::detail {

using goformat::decode_rune;

std::string go_quote(std::string_view s) { return goformat::go_quote(s); }

std::string go_json_string_list(const std::vector<std::string>* values) {
  if (values == nullptr) return "null";
  std::string out = "[";
  for (size_t v = 0; v < values->size(); ++v) {
    if (v > 0) out += ',';
    std::string_view s = (*values)[v];
    out += '"';
    for (size_t i = 0; i < s.size();) {
      auto [rune, width] = decode_rune(s, i);
      if (rune < 0) {
        out += "\\ufffd";  // encoding/json replaces invalid UTF-8.
      } else if (rune == '"' || rune == '\\') {
        out += '\\';
        out += static_cast<char>(rune);
      } else if (rune == '\n') {
        out += "\\n";
      } else if (rune == '\r') {
        out += "\\r";
      } else if (rune == '\t') {
        out += "\\t";
      } else if (rune < 0x20 || rune == '<' || rune == '>' || rune == '&' || rune == 0x2028 ||
                 rune == 0x2029) {
        // HTML-safe escaping is encoding/json's default.
        out += fmt::format("\\u{:04x}", rune);
      } else {
        out.append(s.substr(i, width));
      }
      i += width;
    }
    out += '"';
  }
  out += ']';
  return out;
}

std::string invalid_value_error(std::string_view field, std::string_view value, std::string_view detail) {
  std::string out = fmt::format("{}: Invalid value: {}", field, go_quote(value));
  if (!detail.empty()) out += fmt::format(": {}", detail);
  return out;
}

std::string invalid_list_error(std::string_view field, const std::vector<std::string>* values,
                               std::string_view detail) {
  std::string out = fmt::format("{}: Invalid value: {}", field, go_json_string_list(values));
  if (!detail.empty()) out += fmt::format(": {}", detail);
  return out;
}

std::string aggregate(const std::vector<std::string>& messages) {
  if (messages.size() == 1) return messages.front();
  std::set<std::string_view> seen;
  std::string result;
  for (const std::string& message : messages) {
    if (!seen.insert(message).second) continue;
    if (seen.size() > 1) result += ", ";
    result += message;
  }
  if (seen.size() == 1) return result;
  return "[" + result + "]";
}

}  // namespace kscratch::apimachinery::labels::detail
