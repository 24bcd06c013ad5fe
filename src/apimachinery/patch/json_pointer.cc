#include "json_pointer.h"

#include <fmt/format.h>

namespace kscratch::apimachinery::patch_detail {

namespace {

// Undoes RFC 6901's escaping: "~1" is '/', "~0" is '~'; any other '~' makes it no pointer.
std::optional<std::string> unescape_token(std::string_view raw) {
  std::string token;
  token.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '~') {
      token += raw[i];
      continue;
    }
    if (i + 1 >= raw.size()) return std::nullopt;
    char next = raw[++i];
    if (next == '0') {
      token += '~';
    } else if (next == '1') {
      token += '/';
    } else {
      return std::nullopt;
    }
  }
  return token;
}

}  // namespace

std::optional<std::vector<std::string>> parse_json_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') return std::nullopt;
  std::size_t start = 1;
  while (true) {
    std::size_t slash = pointer.find('/', start);
    std::string_view raw = pointer.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                                   : slash - start);
    auto token = unescape_token(raw);
    if (!token) return std::nullopt;
    tokens.push_back(std::move(*token));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return tokens;
}

Expected<std::int64_t> parse_array_index(std::string_view token) {
  auto syntax_error = [&] {
    return make_error(fmt::format("strconv.Atoi: parsing \"{}\": invalid syntax", token));
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < token.size() && (token[i] == '+' || token[i] == '-')) {
    negative = token[i] == '-';
    ++i;
  }
  if (i == token.size()) return syntax_error();
  // Accumulate as a negative number so that the most negative int64 still fits.
  std::int64_t value = 0;
  bool overflow = false;
  for (; i < token.size(); ++i) {
    char c = token[i];
    if (c < '0' || c > '9') return syntax_error();
    int digit = c - '0';
    if (value < (INT64_MIN + digit) / 10) overflow = true;
    if (!overflow) value = value * 10 - digit;
  }
  if (overflow || (!negative && value == INT64_MIN)) {
    return make_error(fmt::format("strconv.Atoi: parsing \"{}\": value out of range", token));
  }
  return negative ? value : -value;
}

}  // namespace kscratch::apimachinery::patch_detail
