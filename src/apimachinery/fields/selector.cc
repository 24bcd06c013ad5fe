// Field selector parsing, escaping and matching, ported from upstream's pkg/fields.

#include <algorithm>

#include <fmt/format.h>

#include "kscratch/apimachinery/fields.h"

namespace kscratch::apimachinery::fields {
namespace {

// Splits on commas not escaped by a backslash; escapes stay in the terms.
std::vector<std::string_view> split_terms(std::string_view selector) {
  std::vector<std::string_view> terms;
  if (selector.empty()) return terms;
  size_t start = 0;
  bool in_slash = false;
  for (size_t i = 0; i < selector.size(); ++i) {
    char c = selector[i];
    if (in_slash) {
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',') {
      terms.push_back(selector.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(selector.substr(start));
  return terms;
}

struct SplitTerm {
  std::string_view lhs;
  Operator op;
  std::string_view rhs;
};

// The first operator in the term splits it; "!=" and "==" win over "=" at the same place, so
// that "a==b" does not leave "=b" as the value. The left side has no escaping.
std::optional<SplitTerm> split_term(std::string_view term) {
  for (size_t i = 0; i < term.size(); ++i) {
    std::string_view rest = term.substr(i);
    if (rest.substr(0, 2) == "!=") return SplitTerm{term.substr(0, i), Operator::kNotEquals, rest.substr(2)};
    if (rest.substr(0, 2) == "==") return SplitTerm{term.substr(0, i), Operator::kEquals, rest.substr(2)};
    if (rest.substr(0, 1) == "=") return SplitTerm{term.substr(0, i), Operator::kEquals, rest.substr(1)};
  }
  return std::nullopt;
}

// Go's rune value for the character at s[i], which is what upstream prints (via %v) in the
// "unescaped character" error; both ',' and '=' are ASCII, so this is the byte value.
int rune_value(char c) { return static_cast<unsigned char>(c); }

}  // namespace

Selector Selector::nothing() {
  Selector s;
  s.nothing_ = true;
  return s;
}

Selector Selector::from_requirements(std::vector<Requirement> requirements) {
  Selector s;
  s.requirements_ = std::move(requirements);
  return s;
}

bool Selector::matches(const FieldGetter& get) const {
  if (nothing_) return false;
  for (const Requirement& r : requirements_) {
    bool equal = get(r.field) == r.value;
    if (equal != (r.op == Operator::kEquals)) return false;
  }
  return true;
}

bool Selector::matches(const std::map<std::string, std::string>& fields) const {
  return matches([&fields](std::string_view field) {
    auto it = fields.find(std::string(field));
    return it == fields.end() ? std::string() : it->second;
  });
}

std::string Selector::to_string() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    const Requirement& r = requirements_[i];
    if (i) out += ',';
    out += r.field;
    out += r.op == Operator::kEquals ? "=" : "!=";
    out += escape_value(r.value);
  }
  return out;
}

std::optional<std::string> Selector::requires_exact_match(std::string_view field) const {
  for (const Requirement& r : requirements_) {
    if (r.op == Operator::kEquals && r.field == field) return r.value;
  }
  return std::nullopt;
}

Expected<Selector> Selector::transform(const TransformFn& fn) const {
  if (nothing_) return *this;
  std::vector<Requirement> next;
  for (const Requirement& r : requirements_) {
    Expected<std::pair<std::string, std::string>> out = fn(r.field, r.value);
    if (!out) return out.error();
    if (out->first.empty() && out->second.empty()) continue;
    next.push_back({std::move(out->first), r.op, std::move(out->second)});
  }
  return from_requirements(std::move(next));
}

std::string escape_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

Expected<std::string> unescape_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool in_slash = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') {
        // Upstream prints the whole (possibly multi-byte) character after the backslash.
        size_t width = 1;
        unsigned char b = static_cast<unsigned char>(c);
        if (b >= 0xF0) {
          width = 4;
        } else if (b >= 0xE0) {
          width = 3;
        } else if (b >= 0xC0) {
          width = 2;
        }
        return make_error("invalid field selector: invalid escape sequence: \\" + std::string(value.substr(i, width)));
      }
      out += c;
      in_slash = false;
      continue;
    }
    if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      return make_error(fmt::format("invalid field selector: unescaped character in value: {}", rune_value(c)));
    } else {
      out += c;
    }
  }
  if (in_slash) return make_error("invalid field selector: invalid escape sequence: \\");
  return out;
}

Expected<Selector> parse(std::string_view selector) {
  std::vector<std::string_view> terms = split_terms(selector);
  // Sorting the raw terms makes the result independent of the order they were written in.
  std::sort(terms.begin(), terms.end());
  std::vector<Requirement> requirements;
  for (std::string_view term : terms) {
    if (term.empty()) continue;
    std::optional<SplitTerm> split = split_term(term);
    if (!split) {
      return make_error(fmt::format("invalid selector: '{}'; can't understand '{}'", selector, term));
    }
    Expected<std::string> value = unescape_value(split->rhs);
    if (!value) return value.error();
    requirements.push_back({std::string(split->lhs), split->op, std::move(*value)});
  }
  return Selector::from_requirements(std::move(requirements));
}

Expected<Selector> parse_and_transform(std::string_view selector, const TransformFn& fn) {
  Expected<Selector> parsed = parse(selector);
  if (!parsed) return parsed;
  return parsed->transform(fn);
}

Selector selector_from_set(const std::map<std::string, std::string>& set) {
  std::vector<Requirement> requirements;
  for (const auto& [field, value] : set) requirements.push_back({field, Operator::kEquals, value});
  return Selector::from_requirements(std::move(requirements));
}

Selector one_term_equal(std::string field, std::string value) {
  return Selector::from_requirements({{std::move(field), Operator::kEquals, std::move(value)}});
}

Selector one_term_not_equal(std::string field, std::string value) {
  return Selector::from_requirements({{std::move(field), Operator::kNotEquals, std::move(value)}});
}

Status check_supported_fields(const Selector& selector, const std::set<std::string>& supported) {
  for (const Requirement& r : selector.requirements()) {
    if (!supported.contains(r.field)) return make_error("field label not supported: " + r.field);
  }
  return Ok{};
}

}  // namespace kscratch::apimachinery::fields
