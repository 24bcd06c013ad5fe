// YAML to JSON with yaml-cpp as the parser and go-yaml v2's meaning of scalars.

#include <cmath>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "go_scalars.h"
#include "kscratch/apimachinery/yaml.h"

namespace kscratch::apimachinery::yaml {
namespace {

using detail::Resolved;
using detail::ScalarKind;

constexpr std::string_view kPrefix = "error converting YAML to JSON: ";

// A conversion failure; caught at the public boundary and turned into an Error.
struct ConvertError {
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& node, const std::string& reason) {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) throw ConvertError{"yaml: " + reason};
  throw ConvertError{fmt::format("yaml: line {}: {} (column {})", mark.line + 1, reason, mark.column + 1)};
}

// A double as it comes back from Go's JSON text: integral values below 1e21 are written
// without a fraction, so a later reader sees integers.
boost::json::value number_value(double f) {
  if (std::isnan(f)) throw ConvertError{"json: unsupported value: NaN"};
  if (std::isinf(f)) throw ConvertError{f > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf"};
  if (f == std::trunc(f) && std::fabs(f) < 1e21) {
    if (f >= -9223372036854775808.0 && f < 9223372036854775808.0) return static_cast<int64_t>(f);
    if (f >= 0 && f < 18446744073709551616.0) return static_cast<uint64_t>(f);
  }
  return f;
}

bool is_str_tag(const std::string& tag) { return tag == "!" || tag == "tag:yaml.org,2002:str"; }

std::string short_tag(const std::string& tag) {
  constexpr std::string_view kLong = "tag:yaml.org,2002:";
  if (tag.rfind(kLong, 0) == 0) return "!!" + tag.substr(kLong.size());
  return tag;
}

std::string kind_tag(ScalarKind kind) {
  switch (kind) {
    case ScalarKind::kNull: return "!!null";
    case ScalarKind::kBool: return "!!bool";
    case ScalarKind::kInt:
    case ScalarKind::kUint: return "!!int";
    case ScalarKind::kFloat: return "!!float";
    case ScalarKind::kTimestamp: return "!!timestamp";
    case ScalarKind::kString: return "!!str";
  }
  return "!!str";
}

class Converter {
 public:
  explicit Converter(size_t budget) : budget_(budget) {}

  boost::json::value value(const YAML::Node& node, size_t depth) {
    if (depth > kMaxDepth) fail(node, "exceeded max depth of " + std::to_string(kMaxDepth));
    // Aliases share nodes, so a small document can expand enormously ("billion laughs").
    if (++decoded_ > budget_) fail(node, "document contains excessive aliasing");
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return scalar_value(node);
      case YAML::NodeType::Scalar:
        return scalar_value(node);
      case YAML::NodeType::Sequence: {
        boost::json::array out;
        for (const YAML::Node& item : node) out.push_back(value(item, depth + 1));
        return out;
      }
      case YAML::NodeType::Map: {
        std::map<std::string, boost::json::value> entries;
        add_mapping(node, entries, depth);
        // Go's JSON encoder writes map keys sorted; keep that order.
        boost::json::object out;
        out.reserve(entries.size());
        for (auto& [k, v] : entries) out.emplace(k, std::move(v));
        return out;
      }
    }
    return nullptr;
  }

 private:
  boost::json::value scalar_value(const YAML::Node& node) {
    if (!node.IsScalar()) return nullptr;  // "~", "null" and empty values arrive as Null nodes.
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (is_str_tag(tag)) return boost::json::string(text);
    if (tag != "?" && tag != "" && tag.rfind("tag:yaml.org,2002:", 0) != 0) {
      return boost::json::string(text);  // Unknown local tags leave the text alone, as go-yaml.
    }
    Resolved r = detail::resolve_plain(text);
    if (tag != "?" && tag != "") {
      std::string want = short_tag(tag);
      std::string got = kind_tag(r.kind);
      if (want == "!!float" && (r.kind == ScalarKind::kInt || r.kind == ScalarKind::kUint)) {
        return number_value(r.kind == ScalarKind::kInt ? static_cast<double>(r.int_value)
                                                       : static_cast<double>(r.uint_value));
      }
      if (want == "!!binary" || want == "!!timestamp" || want == "!!merge") return boost::json::string(text);
      if (want != got) fail(node, "cannot decode " + got + " `" + text + "` as a " + want);
    }
    switch (r.kind) {
      case ScalarKind::kNull: return nullptr;
      case ScalarKind::kBool: return r.boolean;
      case ScalarKind::kInt: return r.int_value;
      case ScalarKind::kUint: return r.uint_value;
      case ScalarKind::kFloat: return number_value(r.float_value);
      case ScalarKind::kTimestamp:  // go-yaml v2 keeps timestamps as strings in interface{} values.
      case ScalarKind::kString: return boost::json::string(text);
    }
    return nullptr;
  }

  static bool is_merge_key(const YAML::Node& key) {
    return key.IsScalar() && key.Scalar() == "<<" && (key.Tag() == "?" || key.Tag() == "tag:yaml.org,2002:merge");
  }

  // Entries are set in document order, later ones winning, as go-yaml v2's decoder does;
  // merged maps are applied where the `<<` key stands.
  void add_mapping(const YAML::Node& node, std::map<std::string, boost::json::value>& entries, size_t depth) {
    for (const auto& pair : node) {
      const YAML::Node& key = pair.first;
      const YAML::Node& val = pair.second;
      if (is_merge_key(key)) {
        merge(val, entries, depth);
        continue;
      }
      entries[key_string(key)] = value(val, depth + 1);
    }
  }

  void merge(const YAML::Node& val, std::map<std::string, boost::json::value>& entries, size_t depth) {
    if (++decoded_ > budget_) fail(val, "document contains excessive aliasing");
    if (depth > kMaxDepth) fail(val, "exceeded max depth of " + std::to_string(kMaxDepth));
    if (val.IsMap()) {
      add_mapping(val, entries, depth + 1);
      return;
    }
    if (val.IsSequence()) {
      // Earlier maps in the list win, so apply them last.
      for (size_t i = val.size(); i-- > 0;) {
        if (!val[i].IsMap()) fail(val, "map merge requires map or sequence of maps as the value");
        add_mapping(val[i], entries, depth + 1);
      }
      return;
    }
    fail(val, "map merge requires map or sequence of maps as the value");
  }

  // sigs.k8s.io/yaml turns non-string keys into strings: ints in decimal, floats with 32-bit
  // precision, booleans as true/false; null, maps and sequences are rejected.
  std::string key_string(const YAML::Node& key) {
    if (key.IsMap() || key.IsSequence()) fail(key, "invalid map key: a map or sequence cannot be a key");
    if (!key.IsScalar()) throw ConvertError{"unsupported map key of type: <nil>, key: <nil>"};
    const std::string& text = key.Scalar();
    if (is_str_tag(key.Tag()) || (key.Tag() != "?" && key.Tag() != "")) return text;
    Resolved r = detail::resolve_plain(text);
    switch (r.kind) {
      case ScalarKind::kNull: throw ConvertError{"unsupported map key of type: <nil>, key: <nil>"};
      case ScalarKind::kBool: return r.boolean ? "true" : "false";
      case ScalarKind::kInt: return std::to_string(r.int_value);
      case ScalarKind::kUint:
        throw ConvertError{fmt::format("unsupported map key of type: uint64, key: {}", r.uint_value)};
      case ScalarKind::kFloat: {
        std::string s = detail::go_format_g32(static_cast<float>(r.float_value));
        if (s == "+Inf") return ".inf";
        if (s == "-Inf") return "-.inf";
        if (s == "NaN") return ".nan";
        return s;
      }
      case ScalarKind::kTimestamp:
      case ScalarKind::kString: return text;
    }
    return text;
  }

  size_t budget_;
  size_t decoded_ = 0;
};

}  // namespace

Expected<boost::json::value> to_json(std::string_view yaml) {
  if (yaml.size() > kMaxInputBytes) return make_error(std::string(kPrefix) + "yaml: input too large");
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    // go-yaml bounds alias expansion relative to the document; allow generous fan-out.
    Converter converter(100000 + 100 * yaml.size());
    return converter.value(root, 0);
  } catch (const YAML::ParserException& e) {
    return make_error(fmt::format("{}yaml: line {}: {} (column {})", kPrefix, e.mark.line + 1, e.msg,
                                  e.mark.column + 1));
  } catch (const ConvertError& e) {
    return make_error(std::string(kPrefix) + e.message);
  } catch (const YAML::Exception& e) {
    return make_error(std::string(kPrefix) + "yaml: " + e.msg);
  } catch (const std::exception& e) {
    return make_error(std::string(kPrefix) + "yaml: " + e.what());
  }
}

}  // namespace kscratch::apimachinery::yaml
