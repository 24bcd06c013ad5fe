#pragma once
// A port of the parts of go-yaml v2's emitter (itself a port of libyaml) that
// sigs.k8s.io/yaml.Marshal exercises: block mappings and sequences, "{}"/"[]" for empty ones,
// and the scalar style rules (plain, single-quoted, double-quoted, literal) with folding of
// long lines at 80 columns. Output therefore matches `kubectl get -o yaml` byte for byte.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace kscratch::apimachinery::yaml::detail {

class Emitter {
 public:
  // Writes v as a whole document.
  void document(const boost::json::value& v);
  std::string take() { return std::move(out_); }

 private:
  enum class Style { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral };

  struct Analysis {
    bool multiline = false;
    bool block_plain_allowed = true;
    bool single_quoted_allowed = true;
    bool block_allowed = true;
  };

  struct Context {
    bool root = false;
    bool mapping = false;
    bool simple_key = false;
  };

  void node(const boost::json::value& v, Context ctx);
  void block_mapping(const boost::json::object& obj);
  void block_sequence(const boost::json::array& arr);
  void empty_flow(char open, char close);
  void string_scalar(std::string_view s);
  // A scalar with a fixed style request (numbers, booleans, null and strings alike).
  void scalar(std::string_view value, Style requested, std::string_view tag = {});

  static Analysis analyze(std::string_view value);
  bool is_simple_key(std::string_view key) const;

  void write_plain(std::string_view value, bool allow_breaks);
  void write_single_quoted(std::string_view value, bool allow_breaks);
  void write_double_quoted(std::string_view value, bool allow_breaks);
  void write_literal(std::string_view value);
  void write_block_hints(std::string_view value);

  // Primitive writes; column counts characters, not bytes.
  void put(char c);
  void write_char(std::string_view value, size_t& i);
  void put_break();
  void write_break(std::string_view value, size_t& i);
  void write_indent();
  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace, bool is_indention);
  void increase_indent(bool flow, bool indentless);
  void pop_indent();

  std::string out_;
  int column_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  bool whitespace_ = true;
  bool indention_ = true;
  bool mapping_context_ = false;
  bool simple_key_context_ = false;
};

}  // namespace kscratch::apimachinery::yaml::detail
