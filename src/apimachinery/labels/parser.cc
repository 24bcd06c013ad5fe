// The label selector string parser, a port of upstream's lexer and recursive descent parser so
// that accepted inputs and error texts are the same.

#include <set>

#include "kscratch/apimachinery/labels.h"
#include "requirement_internal.h"

namespace kscratch::apimachinery::labels {
namespace {

enum class Token {
  kError,
  kEndOfString,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

std::optional<Token> literal_token(std::string_view s) {
  if (s == ")") return Token::kClosedPar;
  if (s == ",") return Token::kComma;
  if (s == "!") return Token::kDoesNotExist;
  if (s == "==") return Token::kDoubleEquals;
  if (s == "=") return Token::kEquals;
  if (s == ">") return Token::kGreaterThan;
  if (s == "in") return Token::kIn;
  if (s == "<") return Token::kLessThan;
  if (s == "!=") return Token::kNotEquals;
  if (s == "notin") return Token::kNotIn;
  if (s == "(") return Token::kOpenPar;
  return std::nullopt;
}

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_special_symbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct ScannedItem {
  Token token;
  std::string literal;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  ScannedItem lex() {
    char c = skip_whitespace(read());
    // A NUL byte ends the input, as upstream's lexer uses 0 for end of string.
    if (c == 0) return {Token::kEndOfString, ""};
    unread();
    if (is_special_symbol(c)) return scan_special_symbol();
    return scan_id_or_keyword();
  }

 private:
  char read() {
    if (pos_ < s_.size()) return s_[pos_++];
    return 0;
  }
  void unread() { --pos_; }

  char skip_whitespace(char c) {
    while (is_whitespace(c)) c = read();
    return c;
  }

  ScannedItem scan_id_or_keyword() {
    std::string buffer;
    while (true) {
      char c = read();
      if (c == 0) break;
      if (is_special_symbol(c) || is_whitespace(c)) {
        unread();
        break;
      }
      buffer += c;
    }
    if (auto token = literal_token(buffer)) return {*token, buffer};
    return {Token::kIdentifier, buffer};
  }

  // The longest operator made of special symbols: "!=" rather than "!" then "=".
  ScannedItem scan_special_symbol() {
    std::optional<ScannedItem> last;
    std::string buffer;
    while (true) {
      char c = read();
      if (c == 0) break;
      if (!is_special_symbol(c)) {
        unread();
        break;
      }
      buffer += c;
      if (auto token = literal_token(buffer)) {
        last = ScannedItem{*token, buffer};
      } else if (last) {
        unread();
        break;
      }
    }
    if (!last) return {Token::kError, "error expected: keyword found '" + buffer + "'"};
    return *last;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Whether "in" and "notin" are operators (after a key) or plain values.
enum class Context { kKeyAndOperator, kValues };

class Parser {
 public:
  explicit Parser(std::string_view s) {
    Lexer lexer(s);
    while (true) {
      items_.push_back(lexer.lex());
      if (items_.back().token == Token::kEndOfString) break;
    }
  }

  Expected<std::vector<Requirement>> parse() {
    std::vector<Requirement> requirements;
    while (true) {
      auto [token, literal] = lookahead(Context::kValues);
      switch (token) {
        case Token::kIdentifier:
        case Token::kDoesNotExist: {
          Expected<Requirement> r = parse_requirement();
          if (!r) return make_error("unable to parse requirement: " + r.error().message);
          requirements.push_back(std::move(*r));
          auto [next, next_literal] = consume(Context::kValues);
          if (next == Token::kEndOfString) return requirements;
          if (next != Token::kComma) {
            return make_error("found '" + next_literal + "', expected: ',' or 'end of string'");
          }
          auto [after, after_literal] = lookahead(Context::kValues);
          if (after != Token::kIdentifier && after != Token::kDoesNotExist) {
            return make_error("found '" + after_literal + "', expected: identifier after ','");
          }
          break;
        }
        case Token::kEndOfString:
          return requirements;
        default:
          return make_error("found '" + literal + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

 private:
  static Token in_context(Token token, Context context) {
    if (context == Context::kValues && (token == Token::kIn || token == Token::kNotIn)) return Token::kIdentifier;
    return token;
  }

  std::pair<Token, std::string> lookahead(Context context) const {
    const ScannedItem& item = items_[position_];
    return {in_context(item.token, context), item.literal};
  }

  std::pair<Token, std::string> consume(Context context) {
    // The final end-of-string item is never consumed past: the grammar stops there.
    const ScannedItem& item = items_[std::min(position_, items_.size() - 1)];
    if (position_ < items_.size() - 1) ++position_;
    return {in_context(item.token, context), item.literal};
  }

  Expected<Requirement> parse_requirement() {
    bool does_not_exist = false;
    auto [token, key] = consume(Context::kValues);
    if (token == Token::kDoesNotExist) {
      does_not_exist = true;
      std::tie(token, key) = consume(Context::kValues);
    }
    if (token != Token::kIdentifier) return make_error("found '" + key + "', expected: identifier");
    // Upstream passes a nil field path here, which prints as "<nil>".
    if (auto err = detail::validate_label_key(key, "<nil>")) return make_error(*err);
    Token next = lookahead(Context::kValues).first;
    if (does_not_exist) return detail::make_requirement(key, Operator::kDoesNotExist, {}, true);
    if (next == Token::kEndOfString || next == Token::kComma) {
      return detail::make_requirement(key, Operator::kExists, {}, true);
    }

    Expected<Operator> op = parse_operator();
    if (!op) return op.error();
    Expected<std::set<std::string>> values = (*op == Operator::kIn || *op == Operator::kNotIn)
                                                 ? parse_values()
                                                 : parse_exact_value();
    if (!values) return values.error();
    return detail::make_requirement(key, *op, {values->begin(), values->end()}, true);
  }

  Expected<Operator> parse_operator() {
    auto [token, literal] = consume(Context::kKeyAndOperator);
    switch (token) {
      case Token::kIn: return Operator::kIn;
      case Token::kEquals: return Operator::kEquals;
      case Token::kDoubleEquals: return Operator::kDoubleEquals;
      case Token::kGreaterThan: return Operator::kGreaterThan;
      case Token::kLessThan: return Operator::kLessThan;
      case Token::kNotIn: return Operator::kNotIn;
      case Token::kNotEquals: return Operator::kNotEquals;
      default:
        return make_error("found '" + literal + "', expected: in, notin, =, ==, !=, gt, lt");
    }
  }

  // "(a,b,c)"; values are a set, so they come out sorted and unique.
  Expected<std::set<std::string>> parse_values() {
    auto [token, literal] = consume(Context::kValues);
    if (token != Token::kOpenPar) return make_error("found '" + literal + "' expected: '('");
    std::tie(token, literal) = lookahead(Context::kValues);
    switch (token) {
      case Token::kIdentifier:
      case Token::kComma: {
        Expected<std::set<std::string>> values = parse_identifiers_list();
        if (!values) return values;
        if (consume(Context::kValues).first != Token::kClosedPar) {
          return make_error("found '" + literal + "', expected: ')'");
        }
        return values;
      }
      case Token::kClosedPar:
        consume(Context::kValues);
        return std::set<std::string>{""};
      default:
        return make_error("found '" + literal + "', expected: ',', ')' or identifier");
    }
  }

  // A comma separated list of possibly empty identifiers, up to (not including) ')'.
  Expected<std::set<std::string>> parse_identifiers_list() {
    std::set<std::string> values;
    while (true) {
      auto [token, literal] = consume(Context::kValues);
      switch (token) {
        case Token::kIdentifier: {
          values.insert(literal);
          auto [next, next_literal] = lookahead(Context::kValues);
          if (next == Token::kComma) continue;
          if (next == Token::kClosedPar) return values;
          return make_error("found '" + next_literal + "', expected: ',' or ')'");
        }
        case Token::kComma: {
          if (values.empty()) values.insert("");  // "(," starts with an empty value.
          Token next = lookahead(Context::kValues).first;
          if (next == Token::kClosedPar) {
            values.insert("");  // ",)" ends with an empty value.
            return values;
          }
          if (next == Token::kComma) {
            consume(Context::kValues);
            values.insert("");  // ",," holds an empty value.
          }
          break;
        }
        default:
          return make_error("found '" + literal + "', expected: ',', or identifier");
      }
    }
  }

  Expected<std::set<std::string>> parse_exact_value() {
    Token next = lookahead(Context::kValues).first;
    if (next == Token::kEndOfString || next == Token::kComma) return std::set<std::string>{""};
    auto [token, literal] = consume(Context::kValues);
    if (token == Token::kIdentifier) return std::set<std::string>{literal};
    return make_error("found '" + literal + "', expected: identifier");
  }

  std::vector<ScannedItem> items_;
  size_t position_ = 0;
};

}  // namespace

Expected<Selector> parse(std::string_view selector) {
  Expected<std::vector<Requirement>> requirements = Parser(selector).parse();
  if (!requirements) return requirements.error();
  return detail::RequirementAccess::build(std::move(*requirements));
}

}  // namespace kscratch::apimachinery::labels
