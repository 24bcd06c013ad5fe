#include "key_order.h"

#include <cstdint>
#include <vector>

namespace kscratch::apimachinery::yaml::detail {
namespace {

// Decodes UTF-8 into code points, invalid bytes becoming U+FFFD as Go's []rune conversion does.
std::vector<char32_t> runes(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b >= 0xC2 && b <= 0xDF) ? 2 : (b >= 0xE0 && b <= 0xEF) ? 3 : (b >= 0xF0 && b <= 0xF4) ? 4 : 0;
    char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = n > 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (ok && ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
    } else {
      out.push_back(cp);
      i += n;
    }
  }
  return out;
}

// An approximation of Go's unicode.IsLetter: ASCII letters and the letter blocks of common
// scripts (Latin, Greek, Cyrillic, CJK, kana, Hangul).
bool is_letter(char32_t r) {
  if ((r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) return true;
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  return r <= 0x24F || (r >= 0x370 && r <= 0x3FF && r != 0x37E && r != 0x387) || (r >= 0x400 && r <= 0x52F) ||
         (r >= 0x3041 && r <= 0x30FF && r != 0x30A0 && r != 0x30FB) || (r >= 0x4E00 && r <= 0x9FFF) ||
         (r >= 0xAC00 && r <= 0xD7A3);
}

bool is_digit(char32_t r) { return r >= '0' && r <= '9'; }

}  // namespace

bool go_yaml_key_less(std::string_view a_text, std::string_view b_text) {
  std::vector<char32_t> ar = runes(a_text);
  std::vector<char32_t> br = runes(b_text);
  for (size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (ar[i] == br[i]) continue;
    bool al = is_letter(ar[i]);
    bool bl = is_letter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    // Go's int64 arithmetic wraps; unsigned arithmetic reproduces that without overflow.
    uint64_t an = 0;
    uint64_t bn = 0;
    if (ar[i] == '0' || br[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(ar[j]);) {
        if (ar[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i;
    for (; ai < ar.size() && is_digit(ar[ai]); ++ai) an = an * 10 + (ar[ai] - '0');
    size_t bi = i;
    for (; bi < br.size() && is_digit(br[bi]); ++bi) bn = bn * 10 + (br[bi] - '0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai != bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.size() < br.size();
}

}  // namespace kscratch::apimachinery::yaml::detail
