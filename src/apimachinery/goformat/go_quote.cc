// Go's strconv.Quote, which upstream's messages use for %q (see goformat.h).

#include "kscratch/apimachinery/goformat.h"

#include <cstdint>
#include <utility>

#include <fmt/format.h>

namespace kscratch::apimachinery::goformat {

// Decodes one UTF-8 sequence at s[i] the way Go does: returns the rune and its width, or
// width 1 and -1 for an invalid byte (overlong forms, surrogates, out of range, truncated).
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

namespace {

// An approximation of Go's unicode.IsPrint for non-ASCII runes: separators, format and
// control characters and private use areas are not printable.
bool is_printable_non_ascii(int32_t r) {
  if (r < 0xA1) return false;  // C1 controls and the no-break space.
  if (r == 0xAD) return false;  // Soft hyphen (format character).
  if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F)) {
    return false;
  }
  if (r == 0x3000 || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB)) return false;
  if ((r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000) return false;
  return true;
}

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

}  // namespace kscratch::apimachinery::goformat
