#include "www_authenticate.h"

#include <fmt/format.h>

#include <cctype>

namespace kscratch::images {

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
}  // namespace

Expected<Challenge> parse_www_authenticate(std::string_view header) {
  auto bad = [&](std::string_view why) {
    return make_error(fmt::format("WWW-Authenticate \"{}\": {}", header, why));
  };
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
  };
  skip_space();
  std::size_t start = i;
  while (i < header.size() && is_token_char(header[i])) ++i;
  if (i == start) return bad("no scheme");
  Challenge c;
  c.scheme = lower(std::string(header.substr(start, i - start)));
  for (;;) {
    skip_space();
    while (i < header.size() && (header[i] == ',' || header[i] == ' ')) ++i;
    if (i >= header.size()) break;
    start = i;
    while (i < header.size() && is_token_char(header[i])) ++i;
    if (i == start) return bad("expected a parameter name");
    std::string key = lower(std::string(header.substr(start, i - start)));
    skip_space();
    // A token without '=' starts the next challenge: this one is complete.
    if (i >= header.size() || header[i] != '=') break;
    ++i;
    skip_space();
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < header.size()) {
        char ch = header[i++];
        if (ch == '\\' && i < header.size()) {
          value += header[i++];
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          value += ch;
        }
      }
      if (!closed) return bad("unterminated quoted string");
    } else {
      start = i;
      while (i < header.size() && header[i] != ',' && header[i] != ' ') ++i;
      value = std::string(header.substr(start, i - start));
    }
    c.params[key] = value;
  }
  return c;
}

}  // namespace kscratch::images
