#include "json_support.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "kscratch/apimachinery/patch.h"

namespace kscratch::apimachinery::patch_detail {

namespace json = boost::json;

namespace {

// Whole doubles that fit int64 decode to int64 upstream; only they count as integers here.
bool is_whole_int64(double d) {
  return std::isfinite(d) && std::floor(d) == d && d >= -9.2233720368547758e18 &&
         d < 9.2233720368547758e18;
}

// Integer value of a number whose go_kind is kInt.
std::int64_t int_value(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<std::int64_t>(v.get_uint64());
  return static_cast<std::int64_t>(v.get_double());
}

double float_value(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  return static_cast<double>(v.get_uint64());
}

// strconv.FormatFloat(d, 'g', -1, 64), which is what %v prints for a float64: the shortest
// digits that round-trip, in exponent form when the exponent is < -4 or >= 6 (Go's rule for
// the shortest precision).
std::string go_format_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+06"
  bool negative = sci.front() == '-';
  if (negative) sci.erase(0, 1);
  auto e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exp = std::stoi(sci.substr(e_pos + 1));
  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    std::string e = std::to_string(exp < 0 ? -exp : exp);
    if (e.size() < 2) e.insert(0, "0");
    return out + e;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  auto int_len = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0');
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

}  // namespace

GoKind go_kind(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return GoKind::kNil;
    case json::kind::bool_:
      return GoKind::kBool;
    case json::kind::int64:
      return GoKind::kInt;
    case json::kind::uint64:
      return v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                 ? GoKind::kInt
                 : GoKind::kFloat;
    case json::kind::double_:
      return is_whole_int64(v.get_double()) ? GoKind::kInt : GoKind::kFloat;
    case json::kind::string:
      return GoKind::kString;
    case json::kind::object:
      return GoKind::kMap;
    case json::kind::array:
      return GoKind::kSlice;
  }
  return GoKind::kNil;
}

std::string_view go_kind_name(GoKind kind) {
  switch (kind) {
    case GoKind::kNil:
      return "invalid";
    case GoKind::kBool:
      return "bool";
    case GoKind::kInt:
      return "int64";
    case GoKind::kFloat:
      return "float64";
    case GoKind::kString:
      return "string";
    case GoKind::kMap:
      return "map";
    case GoKind::kSlice:
      return "slice";
  }
  return "invalid";
}

bool json_equal(const json::value& a, const json::value& b) {
  GoKind ka = go_kind(a);
  if (ka != go_kind(b)) return false;
  switch (ka) {
    case GoKind::kNil:
      return true;
    case GoKind::kBool:
      return a.get_bool() == b.get_bool();
    case GoKind::kInt:
      return int_value(a) == int_value(b);
    case GoKind::kFloat:
      return float_value(a) == float_value(b);
    case GoKind::kString:
      return a.get_string() == b.get_string();
    case GoKind::kMap: {
      const auto& oa = a.get_object();
      const auto& ob = b.get_object();
      if (oa.size() != ob.size()) return false;
      for (const auto& [key, value] : oa) {
        auto it = ob.find(key);
        if (it == ob.end() || !json_equal(value, it->value())) return false;
      }
      return true;
    }
    case GoKind::kSlice: {
      const auto& aa = a.get_array();
      const auto& ab = b.get_array();
      if (aa.size() != ab.size()) return false;
      for (std::size_t i = 0; i < aa.size(); ++i) {
        if (!json_equal(aa[i], ab[i])) return false;
      }
      return true;
    }
  }
  return false;
}

std::string identity_key(const json::value& v) {
  switch (go_kind(v)) {
    case GoKind::kNil:
      return "n";
    case GoKind::kBool:
      return v.get_bool() ? "b1" : "b0";
    case GoKind::kInt:
      return "i" + std::to_string(int_value(v));
    case GoKind::kFloat:
      return "f" + go_format_float(float_value(v));
    case GoKind::kString:
      return "s" + std::string(v.get_string());
    case GoKind::kMap:
    case GoKind::kSlice:
      return "c" + json::serialize(v);
  }
  return "n";
}

std::string go_format(const json::value& v) {
  switch (go_kind(v)) {
    case GoKind::kNil:
      return "<nil>";
    case GoKind::kBool:
      return v.get_bool() ? "true" : "false";
    case GoKind::kInt:
      return std::to_string(int_value(v));
    case GoKind::kFloat:
      return go_format_float(float_value(v));
    case GoKind::kString:
      return std::string(v.get_string());
    case GoKind::kMap: {
      // Go prints maps as map[k:v ...] with the keys sorted.
      std::vector<std::pair<std::string, const json::value*>> entries;
      for (const auto& [key, value] : v.get_object()) entries.emplace_back(std::string(key), &value);
      std::sort(entries.begin(), entries.end(),
                [](const auto& l, const auto& r) { return l.first < r.first; });
      std::string out = "map[";
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i) out += ' ';
        out += entries[i].first + ":" + go_format(*entries[i].second);
      }
      return out + "]";
    }
    case GoKind::kSlice: {
      std::string out = "[";
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        if (i) out += ' ';
        out += go_format(arr[i]);
      }
      return out + "]";
    }
  }
  return "";
}

namespace {

// Visits every value with an explicit stack; `visit(value, depth)` returns false to stop.
template <class Visit>
void walk(const json::value& root, Visit&& visit) {
  std::vector<std::pair<const json::value*, std::size_t>> stack{{&root, 0}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (!visit(*v, depth)) return;
    if (v->is_object()) {
      for (const auto& kv : v->get_object()) stack.emplace_back(&kv.value(), depth + 1);
    } else if (v->is_array()) {
      for (const auto& item : v->get_array()) stack.emplace_back(&item, depth + 1);
    }
  }
}

}  // namespace

bool nesting_exceeds(const json::value& v, std::size_t limit) {
  bool exceeded = false;
  walk(v, [&](const json::value& item, std::size_t depth) {
    bool container = item.is_object() || item.is_array();
    if (container && depth + 1 > limit) exceeded = true;
    return !exceeded;
  });
  return exceeded;
}

std::size_t nesting_depth(const json::value& v) {
  std::size_t max_depth = 0;
  walk(v, [&](const json::value& item, std::size_t depth) {
    if (item.is_object() || item.is_array()) max_depth = std::max(max_depth, depth + 1);
    return true;
  });
  return max_depth;
}

std::size_t node_count(const json::value& v) {
  std::size_t count = 0;
  walk(v, [&](const json::value&, std::size_t) {
    ++count;
    return true;
  });
  return count;
}

Status check_nesting(const json::value& v, std::string_view what) {
  if (nesting_exceeds(v, kMaxPatchNestingDepth)) {
    return make_error(fmt::format("{} is nested deeper than the limit of {} levels", what,
                                  kMaxPatchNestingDepth));
  }
  return Ok{};
}

}  // namespace kscratch::apimachinery::patch_detail
