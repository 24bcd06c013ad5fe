// encoding/json's output for decoded JSON values, indented as json.MarshalIndent does.

#include "go_scalars.h"
#include "kscratch/apimachinery/yaml.h"

#include <boost/json.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace kscratch::apimachinery::yaml {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Go's encodeState.string with HTML escaping on (the default of json.Marshal).
void write_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '<':
        case '>':
        case '&':
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: kept when valid, U+FFFD when not; U+2028/2029 escaped.
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    bool valid = len > 0 && i + len <= s.size() && c <= 0xF4 && c != 0xC0 && c != 0xC1;
    for (size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (valid && len == 3 && c == 0xE0) valid = static_cast<unsigned char>(s[i + 1]) >= 0xA0;
    if (valid && len == 3 && c == 0xED) valid = static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (valid && len == 4 && c == 0xF0) valid = static_cast<unsigned char>(s[i + 1]) >= 0x90;
    if (valid && len == 4 && c == 0xF4) valid = static_cast<unsigned char>(s[i + 1]) < 0x90;
    if (!valid) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view seq = s.substr(i, len);
    if (seq == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (seq == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else {
      out += seq;
    }
    i += len;
  }
  out += '"';
}

// depth < 0: compact output.
void newline(std::string& out, int depth) {
  if (depth < 0) return;
  out += '\n';
  out.append(static_cast<size_t>(depth) * 4, ' ');
}

void write_value(std::string& out, const boost::json::value& v, int depth, bool sort_keys = true) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; return;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; return;
    case boost::json::kind::int64: out += std::to_string(v.get_int64()); return;
    case boost::json::kind::uint64: out += std::to_string(v.get_uint64()); return;
    case boost::json::kind::double_: out += detail::go_json_float(v.get_double()); return;
    case boost::json::kind::string: {
      const auto& s = v.get_string();
      write_string(out, std::string_view(s.data(), s.size()));
      return;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(out, depth < 0 ? depth : depth + 1);
        write_value(out, a[i], depth < 0 ? depth : depth + 1, sort_keys);
      }
      newline(out, depth);
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      // Go marshals a map with its keys sorted bytewise (a struct in field order).
      std::vector<std::string_view> keys;
      keys.reserve(o.size());
      for (const auto& e : o) keys.emplace_back(e.key().data(), e.key().size());
      if (sort_keys) std::sort(keys.begin(), keys.end());
      out += '{';
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i) out += ',';
        newline(out, depth < 0 ? depth : depth + 1);
        write_string(out, keys[i]);
        out += depth < 0 ? ":" : ": ";
        write_value(out, o.at(keys[i]), depth < 0 ? depth : depth + 1, sort_keys);
      }
      newline(out, depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string to_indented_json(const boost::json::value& v, KeyOrder order) {
  std::string out;
  write_value(out, v, 0, order == KeyOrder::sorted);
  out += '\n';
  return out;
}

}  // namespace kscratch::apimachinery::yaml

namespace kscratch::apimachinery::yaml {

std::string to_compact_json(const boost::json::value& v) {
  std::string out;
  write_value(out, v, -1);
  return out;
}

}  // namespace kscratch::apimachinery::yaml
