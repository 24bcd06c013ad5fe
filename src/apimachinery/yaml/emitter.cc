#include "emitter.h"

#include <algorithm>

#include <boost/json.hpp>

#include "go_scalars.h"
#include "key_order.h"

namespace kscratch::apimachinery::yaml::detail {
namespace {

constexpr int kBestIndent = 2;
constexpr int kBestWidth = 80;
// Keys longer than this are written in the explicit "? key" form, as libyaml does.
constexpr size_t kMaxSimpleKeyLength = 128;

size_t utf8_width(unsigned char b) {
  if ((b & 0x80) == 0x00) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 1;  // Not reached for valid UTF-8; never zero, so loops always advance.
}

unsigned char at(std::string_view s, size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; }

bool is_space(std::string_view s, size_t i) { return at(s, i) == ' '; }
bool is_tab(std::string_view s, size_t i) { return at(s, i) == '\t'; }
bool is_blank(std::string_view s, size_t i) { return is_space(s, i) || is_tab(s, i); }

bool is_break(std::string_view s, size_t i) {
  unsigned char b = at(s, i);
  return b == '\r' || b == '\n' || (b == 0xC2 && at(s, i + 1) == 0x85) ||
         (b == 0xE2 && at(s, i + 1) == 0x80 && (at(s, i + 2) == 0xA8 || at(s, i + 2) == 0xA9));
}

bool is_blankz(std::string_view s, size_t i) { return is_blank(s, i) || is_break(s, i) || i >= s.size(); }

bool is_printable(std::string_view s, size_t i) {
  unsigned char b = at(s, i);
  unsigned char b1 = at(s, i + 1);
  unsigned char b2 = at(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) || (b > 0xC2 && b < 0xED) ||
         (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

bool is_bom(std::string_view s, size_t i) { return at(s, i) == 0xEF && at(s, i + 1) == 0xBB && at(s, i + 2) == 0xBF; }

// Go's utf8.ValidString.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char b = at(s, i);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2, cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3, cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4, cp = b & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((at(s, i + k) & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (at(s, i + k) & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

std::string base64(std::string_view s) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (at(s, i) << 16) | (at(s, i + 1) << 8) | at(s, i + 2);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 0x3F];
  }
  if (i < s.size()) {
    uint32_t v = at(s, i) << 16;
    if (i + 1 < s.size()) v |= at(s, i + 1) << 8;
    out += kAlphabet[(v >> 18) & 0x3F];
    out += kAlphabet[(v >> 12) & 0x3F];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 0x3F] : '=';
    out += '=';
  }
  return out;
}

// A merge sort: unlike std::sort it stays in bounds even if the comparison were inconsistent.
void sort_keys(std::vector<std::string_view>& keys) {
  std::vector<std::string_view> buffer(keys.size());
  for (size_t width = 1; width < keys.size(); width *= 2) {
    for (size_t lo = 0; lo < keys.size(); lo += 2 * width) {
      size_t mid = std::min(lo + width, keys.size());
      size_t hi = std::min(lo + 2 * width, keys.size());
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) buffer[k++] = go_yaml_key_less(keys[j], keys[i]) ? keys[j++] : keys[i++];
      while (i < mid) buffer[k++] = keys[i++];
      while (j < hi) buffer[k++] = keys[j++];
    }
    keys.swap(buffer);
  }
}

}  // namespace

void Emitter::document(const boost::json::value& v) {
  node(v, Context{.root = true});
  // The implicit document end: finish the last line.
  write_indent();
}

void Emitter::node(const boost::json::value& v, Context ctx) {
  mapping_context_ = ctx.mapping;
  simple_key_context_ = ctx.simple_key;
  switch (v.kind()) {
    case boost::json::kind::null:
      scalar("null", Style::kPlain);
      return;
    case boost::json::kind::bool_:
      scalar(v.get_bool() ? "true" : "false", Style::kPlain);
      return;
    case boost::json::kind::int64:
      scalar(std::to_string(v.get_int64()), Style::kPlain);
      return;
    case boost::json::kind::uint64:
      scalar(std::to_string(v.get_uint64()), Style::kPlain);
      return;
    case boost::json::kind::double_: {
      // Upstream goes through JSON text and reads it back: integral values become ints.
      std::string text = go_json_float(v.get_double());
      Resolved r = resolve_plain(text);
      if (r.kind == ScalarKind::kInt) {
        scalar(std::to_string(r.int_value), Style::kPlain);
      } else if (r.kind == ScalarKind::kUint) {
        scalar(std::to_string(r.uint_value), Style::kPlain);
      } else {
        scalar(go_format_g(r.float_value), Style::kPlain);
      }
      return;
    }
    case boost::json::kind::string: {
      const boost::json::string& s = v.get_string();
      string_scalar(std::string_view(s.data(), s.size()));
      return;
    }
    case boost::json::kind::array:
      if (v.get_array().empty()) {
        empty_flow('[', ']');
      } else {
        block_sequence(v.get_array());
      }
      return;
    case boost::json::kind::object:
      if (v.get_object().empty()) {
        empty_flow('{', '}');
      } else {
        block_mapping(v.get_object());
      }
      return;
  }
}

void Emitter::block_mapping(const boost::json::object& obj) {
  increase_indent(false, false);
  std::vector<std::string_view> keys;
  keys.reserve(obj.size());
  for (const auto& entry : obj) keys.emplace_back(entry.key().data(), entry.key().size());
  sort_keys(keys);
  for (std::string_view key : keys) {
    const boost::json::value& value = obj.at(key);
    write_indent();
    if (is_simple_key(key)) {
      node(boost::json::string(key), Context{.mapping = true, .simple_key = true});
      write_indicator(":", false, false, false);
    } else {
      write_indicator("?", true, false, true);
      node(boost::json::string(key), Context{.mapping = true});
      write_indent();
      write_indicator(":", true, false, true);
    }
    node(value, Context{.mapping = true});
  }
  pop_indent();
}

void Emitter::block_sequence(const boost::json::array& arr) {
  // Under a mapping key the dashes line up with the key ("containers:\n- name: x").
  increase_indent(false, mapping_context_ && !indention_);
  for (const boost::json::value& item : arr) {
    write_indent();
    write_indicator("-", true, false, true);
    node(item, Context{});
  }
  pop_indent();
}

void Emitter::empty_flow(char open, char close) {
  write_indicator(std::string_view(&open, 1), true, true, false);
  write_indicator(std::string_view(&close, 1), false, false, false);
}

void Emitter::string_scalar(std::string_view s) {
  if (!valid_utf8(s)) {
    // Not representable as YAML text: upstream writes it as base64 binary.
    scalar(base64(s), Style::kPlain, "!!binary");
    return;
  }
  // A string that would read back as something else (true, 123, null, 2024-01-01, ...) is quoted.
  Resolved r = resolve_plain(s);
  bool can_use_plain = r.kind == ScalarKind::kString && !is_base60_float(s);
  Style style = Style::kDoubleQuoted;
  if (s.find('\n') != std::string_view::npos) {
    style = Style::kLiteral;
  } else if (can_use_plain) {
    style = Style::kPlain;
  }
  scalar(s, style);
}

void Emitter::scalar(std::string_view value, Style style, std::string_view tag) {
  Analysis a = analyze(value);
  if (simple_key_context_ && a.multiline) style = Style::kDoubleQuoted;
  if (style == Style::kPlain) {
    if (!a.block_plain_allowed) style = Style::kSingleQuoted;
    if (value.empty() && simple_key_context_) style = Style::kSingleQuoted;
  }
  if (style == Style::kSingleQuoted && !a.single_quoted_allowed) style = Style::kDoubleQuoted;
  if (style == Style::kLiteral && (!a.block_allowed || simple_key_context_)) style = Style::kDoubleQuoted;

  if (!tag.empty()) {
    if (!whitespace_) put(' ');
    for (char c : tag) put(c);
    whitespace_ = false;
    indention_ = false;
  }
  increase_indent(true, false);
  bool allow_breaks = !simple_key_context_;
  switch (style) {
    case Style::kPlain: write_plain(value, allow_breaks); break;
    case Style::kSingleQuoted: write_single_quoted(value, allow_breaks); break;
    case Style::kDoubleQuoted: write_double_quoted(value, allow_breaks); break;
    case Style::kLiteral: write_literal(value); break;
  }
  pop_indent();
}

bool Emitter::is_simple_key(std::string_view key) const {
  return key.size() <= kMaxSimpleKeyLength && !analyze(key).multiline;
}

Emitter::Analysis Emitter::analyze(std::string_view value) {
  Analysis a;
  if (value.empty()) {
    a.block_allowed = false;
    return a;
  }
  bool block_indicators = false;
  bool line_breaks = false;
  bool special_characters = false;
  bool leading_space = false;
  bool leading_break = false;
  bool trailing_space = false;
  bool trailing_break = false;
  bool break_space = false;
  bool space_break = false;
  bool previous_space = false;
  bool previous_break = false;

  if (value.size() >= 3 && (value.substr(0, 3) == "---" || value.substr(0, 3) == "...")) block_indicators = true;
  bool preceded_by_whitespace = true;
  for (size_t i = 0, w = 0; i < value.size(); i += w) {
    w = utf8_width(at(value, i));
    bool followed_by_whitespace = i + w >= value.size() || is_blank(value, i + w);
    char c = value[i];
    if (i == 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*': case '!':
        case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
          block_indicators = true;
          break;
        case '?': case ':':
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) block_indicators = true;
          break;
        default:
          break;
      }
    } else {
      if (c == ':' && followed_by_whitespace) block_indicators = true;
      if (c == '#' && preceded_by_whitespace) block_indicators = true;
    }
    // The emitter runs in unicode mode, so only unprintable characters are special.
    if (!is_printable(value, i)) special_characters = true;
    if (is_space(value, i)) {
      if (i == 0) leading_space = true;
      if (i + w == value.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(value, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == value.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(value, i);
  }

  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) a.block_plain_allowed = false;
  if (trailing_space) a.block_allowed = false;
  if (break_space) {
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
  }
  if (space_break || special_characters) {
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
    a.block_allowed = false;
  }
  if (line_breaks) a.block_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

void Emitter::write_plain(std::string_view value, bool allow_breaks) {
  if (!whitespace_) put(' ');
  bool spaces = false;
  bool breaks = false;
  for (size_t i = 0; i < value.size();) {
    if (is_space(value, i)) {
      if (allow_breaks && !spaces && column_ > kBestWidth && !is_space(value, i + 1)) {
        write_indent();
        i += 1;
      } else {
        write_char(value, i);
      }
      spaces = true;
    } else if (is_break(value, i)) {
      if (!breaks && value[i] == '\n') put_break();
      write_break(value, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      write_char(value, i);
      indention_ = false;
      spaces = false;
      breaks = false;
    }
  }
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_single_quoted(std::string_view value, bool allow_breaks) {
  write_indicator("'", true, false, false);
  bool spaces = false;
  bool breaks = false;
  for (size_t i = 0; i < value.size();) {
    if (is_space(value, i)) {
      if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < value.size() - 1 &&
          !is_space(value, i + 1)) {
        write_indent();
        i += 1;
      } else {
        write_char(value, i);
      }
      spaces = true;
    } else if (is_break(value, i)) {
      if (!breaks && value[i] == '\n') put_break();
      write_break(value, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      if (value[i] == '\'') put('\'');
      write_char(value, i);
      indention_ = false;
      spaces = false;
      breaks = false;
    }
  }
  write_indicator("'", false, false, false);
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_double_quoted(std::string_view value, bool allow_breaks) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  bool spaces = false;
  write_indicator("\"", true, false, false);
  for (size_t i = 0; i < value.size();) {
    if (!is_printable(value, i) || is_bom(value, i) || is_break(value, i) || value[i] == '"' || value[i] == '\\') {
      unsigned char octet = at(value, i);
      size_t w = utf8_width(octet);
      uint32_t v = w == 1 ? octet & 0x7F : w == 2 ? octet & 0x1F : w == 3 ? octet & 0x0F : octet & 0x07;
      for (size_t k = 1; k < w; ++k) v = (v << 6) | (at(value, i + k) & 0x3F);
      i += w;
      put('\\');
      switch (v) {
        case 0x00: put('0'); break;
        case 0x07: put('a'); break;
        case 0x08: put('b'); break;
        case 0x09: put('t'); break;
        case 0x0A: put('n'); break;
        case 0x0B: put('v'); break;
        case 0x0C: put('f'); break;
        case 0x0D: put('r'); break;
        case 0x1B: put('e'); break;
        case 0x22: put('"'); break;
        case 0x5C: put('\\'); break;
        case 0x85: put('N'); break;
        case 0xA0: put('_'); break;
        case 0x2028: put('L'); break;
        case 0x2029: put('P'); break;
        default: {
          int digits = 8;
          if (v <= 0xFF) {
            put('x');
            digits = 2;
          } else if (v <= 0xFFFF) {
            put('u');
            digits = 4;
          } else {
            put('U');
          }
          for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(kHex[(v >> k) & 0x0F]);
        }
      }
      spaces = false;
    } else if (is_space(value, i)) {
      if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < value.size() - 1) {
        write_indent();
        // A folded line drops leading spaces, so an escaped one keeps the next space.
        if (is_space(value, i + 1)) put('\\');
        i += 1;
      } else {
        write_char(value, i);
      }
      spaces = true;
    } else {
      write_char(value, i);
      spaces = false;
    }
  }
  write_indicator("\"", false, false, false);
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_block_hints(std::string_view value) {
  if (is_space(value, 0) || is_break(value, 0)) {
    char hint = static_cast<char>('0' + kBestIndent);
    write_indicator(std::string_view(&hint, 1), false, false, false);
  }
  char chomp = 0;
  if (value.empty()) {
    chomp = '-';
  } else {
    size_t i = value.size() - 1;
    while (i > 0 && (at(value, i) & 0xC0) == 0x80) --i;
    if (!is_break(value, i)) {
      chomp = '-';
    } else if (i == 0) {
      chomp = '+';
    } else {
      --i;
      while (i > 0 && (at(value, i) & 0xC0) == 0x80) --i;
      if (is_break(value, i)) chomp = '+';
    }
  }
  if (chomp != 0) write_indicator(std::string_view(&chomp, 1), false, false, false);
}

void Emitter::write_literal(std::string_view value) {
  write_indicator("|", true, false, false);
  write_block_hints(value);
  put_break();
  indention_ = true;
  whitespace_ = true;
  bool breaks = true;
  for (size_t i = 0; i < value.size();) {
    if (is_break(value, i)) {
      write_break(value, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      write_char(value, i);
      indention_ = false;
      breaks = false;
    }
  }
}

void Emitter::put(char c) {
  out_ += c;
  ++column_;
}

void Emitter::write_char(std::string_view value, size_t& i) {
  size_t w = std::min(utf8_width(at(value, i)), value.size() - i);
  out_.append(value.substr(i, w));
  i += w;
  ++column_;
}

void Emitter::put_break() {
  out_ += '\n';
  column_ = 0;
}

void Emitter::write_break(std::string_view value, size_t& i) {
  if (value[i] == '\n') {
    put_break();
    ++i;
  } else {
    write_char(value, i);
    column_ = 0;
  }
}

void Emitter::write_indent() {
  int indent = std::max(indent_, 0);
  if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
  while (column_ < indent) put(' ');
  whitespace_ = true;
  indention_ = true;
}

void Emitter::write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace,
                              bool is_indention) {
  if (need_whitespace && !whitespace_) put(' ');
  for (char c : indicator) put(c);
  whitespace_ = is_whitespace;
  indention_ = indention_ && is_indention;
}

void Emitter::increase_indent(bool flow, bool indentless) {
  indents_.push_back(indent_);
  if (indent_ < 0) {
    indent_ = flow ? kBestIndent : 0;
  } else if (!indentless) {
    indent_ += kBestIndent;
  }
}

void Emitter::pop_indent() {
  indent_ = indents_.back();
  indents_.pop_back();
}

}  // namespace kscratch::apimachinery::yaml::detail
