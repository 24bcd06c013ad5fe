// A small port of client-go's jsonpath: a parser into a list of nodes, and an evaluator
// over boost::json values.

#include "jsonpath.h"

#include "kscratch/apimachinery/yaml.h"

#include <boost/json.hpp>

#include <cctype>
#include <cstdlib>
#include <optional>

namespace kscratch::kubectl::jsonpath {

namespace json = boost::json;

// One step of a path.
struct Step {
  enum class Type { kField, kRecursiveField, kIndex, kSlice, kWildcard, kFilter, kUnion } type = Type::kField;
  std::string field;
  long index = 0;
  std::optional<long> start, end;
  // Filters: left op right, each a path (from @ or $) or a literal.
  struct Operand {
    std::vector<Step> path;
    bool is_path = false;
    bool from_root = false;
    json::value literal;
  };
  std::string op;  // empty: existence
  std::shared_ptr<Operand> left, right;
  std::vector<std::vector<Step>> alternatives;  // unions
};

struct Node {
  enum class Type { kText, kPath, kRange, kEnd } type = Type::kText;
  std::string text;
  std::vector<Step> path;
  bool from_root = false;
};

namespace {

using Values = std::vector<const json::value*>;

struct Parser {
  std::string_view s;
  size_t i = 0;
  std::string error;

  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }
  void skip_spaces() {
    while (i < s.size() && s[i] == ' ') ++i;
  }

  bool parse_string(char quote, std::string& out) {
    ++i;  // opening quote
    while (i < s.size() && s[i] != quote) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        char c = s[++i];
        switch (c) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          default: out += c;
        }
        ++i;
        continue;
      }
      out += s[i++];
    }
    if (i >= s.size()) return fail("unterminated quoted string");
    ++i;
    return true;
  }

  bool parse_operand(Step::Operand& op) {
    skip_spaces();
    if (i < s.size() && (s[i] == '@' || s[i] == '$')) {
      op.is_path = true;
      op.from_root = s[i] == '$';
      ++i;
      return parse_steps(op.path, ")=!<> ");
    }
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      std::string text;
      if (!parse_string(s[i], text)) return false;
      op.literal = json::value(text);
      return true;
    }
    size_t start = i;
    while (i < s.size() && s[i] != ')' && s[i] != ' ') ++i;
    std::string word(s.substr(start, i - start));
    if (word == "true" || word == "false") {
      op.literal = word == "true";
    } else if (word == "null") {
      op.literal = nullptr;
    } else {
      char* end = nullptr;
      double d = std::strtod(word.c_str(), &end);
      if (word.empty() || *end) return fail("unrecognized filter operand " + word);
      if (word.find_first_of(".eE") == std::string::npos) {
        op.literal = static_cast<std::int64_t>(std::strtoll(word.c_str(), nullptr, 10));
      } else {
        op.literal = d;
      }
    }
    return true;
  }

  bool parse_filter(Step& step) {
    i += 2;  // "?("
    step.type = Step::Type::kFilter;
    step.left = std::make_shared<Step::Operand>();
    if (!parse_operand(*step.left)) return false;
    skip_spaces();
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (s.substr(i).rfind(op, 0) == 0) {
        step.op = op;
        i += std::string_view(op).size();
        step.right = std::make_shared<Step::Operand>();
        if (!parse_operand(*step.right)) return false;
        break;
      }
    }
    skip_spaces();
    if (i >= s.size() || s[i] != ')') return fail("unclosed filter");
    ++i;
    return true;
  }

  bool parse_bracket(std::vector<Step>& steps) {
    ++i;  // '['
    skip_spaces();
    Step step;
    if (i + 1 < s.size() && s[i] == '?' && s[i + 1] == '(') {
      if (!parse_filter(step)) return false;
    } else if (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
      std::vector<std::string> names;
      while (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
        std::string name;
        if (!parse_string(s[i], name)) return false;
        names.push_back(std::move(name));
        skip_spaces();
        if (i < s.size() && s[i] == ',') {
          ++i;
          skip_spaces();
        }
      }
      if (names.size() == 1) {
        step.type = Step::Type::kField;
        step.field = names[0];
      } else {
        step.type = Step::Type::kUnion;
        for (auto& n : names) step.alternatives.push_back({Step{Step::Type::kField, n}});
      }
    } else if (i < s.size() && s[i] == '*') {
      step.type = Step::Type::kWildcard;
      ++i;
    } else {
      size_t start = i;
      while (i < s.size() && s[i] != ']') ++i;
      std::string inner(s.substr(start, i - start));
      if (inner.find(',') != std::string::npos) {
        step.type = Step::Type::kUnion;
        size_t p = 0;
        while (p <= inner.size()) {
          auto comma = inner.find(',', p);
          Step alt{Step::Type::kIndex};
          alt.index = std::strtol(inner.substr(p, comma - p).c_str(), nullptr, 10);
          step.alternatives.push_back({alt});
          if (comma == std::string::npos) break;
          p = comma + 1;
        }
      } else if (auto colon = inner.find(':'); colon != std::string::npos) {
        step.type = Step::Type::kSlice;
        std::string a = inner.substr(0, colon), b = inner.substr(colon + 1);
        if (auto c2 = b.find(':'); c2 != std::string::npos) b = b.substr(0, c2);
        if (!a.empty()) step.start = std::strtol(a.c_str(), nullptr, 10);
        if (!b.empty()) step.end = std::strtol(b.c_str(), nullptr, 10);
      } else {
        char* end = nullptr;
        step.type = Step::Type::kIndex;
        step.index = std::strtol(inner.c_str(), &end, 10);
        if (inner.empty() || *end) return fail("invalid array index " + inner);
      }
    }
    skip_spaces();
    if (i >= s.size() || s[i] != ']') return fail("unterminated array");
    ++i;
    steps.push_back(std::move(step));
    return true;
  }

  // Steps until one of `stop` (outside brackets) or the end of the action.
  bool parse_steps(std::vector<Step>& steps, std::string_view stop) {
    while (i < s.size() && stop.find(s[i]) == std::string_view::npos && s[i] != '}') {
      if (s[i] == '[') {
        if (!parse_bracket(steps)) return false;
        continue;
      }
      if (s[i] != '.') return fail(std::string("unrecognized character in action: ") + s[i]);
      Step step{Step::Type::kField};
      ++i;
      if (i < s.size() && s[i] == '.') {
        step.type = Step::Type::kRecursiveField;
        ++i;
      }
      if (i < s.size() && s[i] == '*') {
        ++i;
        step.type = Step::Type::kWildcard;
        steps.push_back(std::move(step));
        continue;
      }
      while (i < s.size() && s[i] != '.' && s[i] != '[' && s[i] != '}' && stop.find(s[i]) == std::string_view::npos) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;  // an escaped dot belongs to the name
        step.field += s[i++];
      }
      if (step.field.empty() && step.type == Step::Type::kField) continue;  // "{.}" is the current object
      steps.push_back(std::move(step));
    }
    return true;
  }

  bool parse_action(std::vector<Node>& nodes) {
    skip_spaces();
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      Node n{Node::Type::kText};
      if (!parse_string(s[i], n.text)) return false;
      nodes.push_back(std::move(n));
      return true;
    }
    if (s.substr(i).rfind("range", 0) == 0 && i + 5 < s.size() && s[i + 5] == ' ') {
      i += 5;
      skip_spaces();
      Node n{Node::Type::kRange};
      if (i < s.size() && (s[i] == '$' || s[i] == '@')) n.from_root = s[i++] == '$';
      if (!parse_steps(n.path, " ")) return false;
      nodes.push_back(std::move(n));
      return true;
    }
    if (s.substr(i).rfind("end", 0) == 0) {
      i += 3;
      nodes.push_back(Node{Node::Type::kEnd});
      return true;
    }
    Node n{Node::Type::kPath};
    if (i < s.size() && (s[i] == '$' || s[i] == '@')) n.from_root = s[i++] == '$';
    if (!parse_steps(n.path, " ")) return false;
    nodes.push_back(std::move(n));
    return true;
  }
};

void collect_recursive(const json::value& v, const std::string& field, Values& out) {
  if (v.is_object()) {
    if (auto* f = v.get_object().if_contains(field)) out.push_back(f);
    for (auto& e : v.get_object()) collect_recursive(e.value(), field, out);
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) collect_recursive(e, field, out);
  }
}

Values apply(const std::vector<Step>& steps, Values current, const json::value& root);

int compare(const json::value& a, const json::value& b, bool& comparable) {
  comparable = true;
  if (a.is_number() && b.is_number()) {
    double x = a.to_number<double>(), y = b.to_number<double>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    auto x = a.get_string(), y = b.get_string();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  comparable = a == b;
  return comparable ? 0 : 1;
}

bool filter_matches(const Step& step, const json::value& item, const json::value& root) {
  auto operand = [&](const Step::Operand& op) -> Values {
    if (!op.is_path) return {&op.literal};
    return apply(op.path, {op.from_root ? &root : &item}, root);
  };
  Values left = operand(*step.left);
  if (step.op.empty()) return !left.empty();
  Values right = operand(*step.right);
  if (left.empty() || right.empty()) return false;
  bool comparable = false;
  int c = compare(*left[0], *right[0], comparable);
  if (step.op == "==") return comparable && c == 0;
  if (step.op == "!=") return !comparable || c != 0;
  if (!comparable) return false;
  if (step.op == "<") return c < 0;
  if (step.op == "<=") return c <= 0;
  if (step.op == ">") return c > 0;
  return c >= 0;
}

Values apply(const std::vector<Step>& steps, Values current, const json::value& root) {
  for (auto& step : steps) {
    Values next;
    for (const json::value* v : current) {
      switch (step.type) {
        case Step::Type::kField:
          if (v->is_object())
            if (auto* f = v->get_object().if_contains(step.field)) next.push_back(f);
          break;
        case Step::Type::kRecursiveField: collect_recursive(*v, step.field, next); break;
        case Step::Type::kWildcard:
          if (v->is_array()) {
            for (auto& e : v->get_array()) next.push_back(&e);
          } else if (v->is_object()) {
            for (auto& e : v->get_object()) next.push_back(&e.value());
          }
          break;
        case Step::Type::kIndex:
          if (v->is_array()) {
            long n = static_cast<long>(v->get_array().size());
            long idx = step.index < 0 ? n + step.index : step.index;
            if (idx >= 0 && idx < n) next.push_back(&v->get_array()[static_cast<size_t>(idx)]);
          }
          break;
        case Step::Type::kSlice:
          if (v->is_array()) {
            long n = static_cast<long>(v->get_array().size());
            long a = step.start.value_or(0), b = step.end.value_or(n);
            if (a < 0) a += n;
            if (b < 0) b += n;
            a = std::max(0L, std::min(a, n));
            b = std::max(0L, std::min(b, n));
            for (long k = a; k < b; ++k) next.push_back(&v->get_array()[static_cast<size_t>(k)]);
          }
          break;
        case Step::Type::kFilter:
          if (v->is_array()) {
            for (auto& e : v->get_array())
              if (filter_matches(step, e, root)) next.push_back(&e);
          }
          break;
        case Step::Type::kUnion:
          for (auto& alt : step.alternatives) {
            auto part = apply(alt, {v}, root);
            next.insert(next.end(), part.begin(), part.end());
          }
          break;
      }
    }
    current = std::move(next);
  }
  return current;
}

std::string print_results(const Values& values) {
  std::string out;
  for (size_t k = 0; k < values.size(); ++k) {
    const json::value& v = *values[k];
    out += v.is_object() || v.is_array() ? compact_json(v) : text_of(v);
    if (k + 1 < values.size()) out += ' ';
  }
  return out;
}

// Runs nodes[begin, end) against `current`; returns the index after the matching end.
size_t run(const std::vector<Node>& nodes, size_t begin, const json::value& current, const json::value& root,
           std::string& out) {
  for (size_t k = begin; k < nodes.size(); ++k) {
    const Node& n = nodes[k];
    switch (n.type) {
      case Node::Type::kText: out += n.text; break;
      case Node::Type::kPath: out += print_results(apply(n.path, {n.from_root ? &root : &current}, root)); break;
      case Node::Type::kEnd: return k + 1;
      case Node::Type::kRange: {
        Values items;
        for (const json::value* v : apply(n.path, {n.from_root ? &root : &current}, root)) {
          // A list ranges over its elements; anything else is one iteration.
          if (v->is_array()) {
            for (auto& e : v->get_array()) items.push_back(&e);
          } else {
            items.push_back(v);
          }
        }
        size_t after = k + 1;
        if (items.empty()) {
          // Skip the body: find its end by running it into a scratch buffer.
          std::string scratch;
          json::value nothing;
          after = run(nodes, k + 1, nothing, root, scratch);
        }
        for (const json::value* item : items) after = run(nodes, k + 1, *item, root, out);
        k = after - 1;
        break;
      }
    }
  }
  return nodes.size();
}

}  // namespace

Expected<Template> Template::parse(const std::string& text) {
  auto nodes = std::make_shared<std::vector<Node>>();
  Parser p{text};
  std::string literal;
  while (p.i < text.size()) {
    if (text[p.i] != '{') {
      literal += text[p.i++];
      continue;
    }
    if (!literal.empty()) nodes->push_back(Node{Node::Type::kText, std::move(literal)});
    literal.clear();
    ++p.i;
    if (!p.parse_action(*nodes)) return Error{"error parsing jsonpath " + text + ", " + p.error};
    p.skip_spaces();
    if (p.i >= text.size() || text[p.i] != '}') return Error{"error parsing jsonpath " + text + ", unclosed action"};
    ++p.i;
  }
  if (!literal.empty()) nodes->push_back(Node{Node::Type::kText, std::move(literal)});
  int depth = 0;
  for (auto& n : *nodes) {
    if (n.type == Node::Type::kRange) ++depth;
    if (n.type == Node::Type::kEnd && --depth < 0) return Error{"error parsing jsonpath " + text + ", not in range, nothing to end"};
  }
  if (depth > 0) return Error{"error parsing jsonpath " + text + ", unclosed range"};
  Template t;
  t.nodes = std::move(nodes);
  return t;
}

Expected<std::string> Template::execute(const json::value& data) const {
  std::string out;
  run(*nodes, 0, data, data, out);
  return out;
}

std::vector<json::value> Template::select(const json::value& data) const {
  std::vector<json::value> out;
  for (auto& n : *nodes) {
    if (n.type != Node::Type::kPath) continue;
    for (const json::value* v : apply(n.path, {&data}, data)) out.push_back(*v);
  }
  return out;
}

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "<nil>";
  return apimachinery::yaml::to_compact_json(v);
}

std::string compact_json(const json::value& v) { return apimachinery::yaml::to_compact_json(v); }

}  // namespace kscratch::kubectl::jsonpath
