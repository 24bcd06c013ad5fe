#pragma once
// Field selectors as k8s.io/apimachinery/pkg/fields: ?fieldSelector= and kubectl
// --field-selector (`metadata.name=x,status.phase!=Running`, `==` too), with backslash escaping
// of '\', ',' and '=' in values. Which fields may be selected is the apiserver's business per
// resource: it checks requirements() (see check_supported_fields).

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::fields {

enum class Operator { kEquals, kNotEquals };

struct Requirement {
  std::string field;
  Operator op;
  std::string value;

  bool operator==(const Requirement&) const = default;
};

// The value an object has at a field path ("" when absent, as upstream's fields.Set.Get).
using FieldGetter = std::function<std::string(std::string_view field)>;
// Maps (field, value) to a new pair, e.g. to rename deprecated field labels; an error aborts.
using TransformFn = std::function<Expected<std::pair<std::string, std::string>>(const std::string& field,
                                                                               const std::string& value)>;

// A conjunction of terms, in parse order (which is sorted by the raw term text).
class Selector {
 public:
  static Selector everything() { return Selector(); }
  static Selector nothing();

  bool matches(const FieldGetter& get) const;
  bool matches(const std::map<std::string, std::string>& fields) const;
  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool is_nothing() const { return nothing_; }
  // The canonical string: `field=value` / `field!=value` joined by ',', values escaped.
  std::string to_string() const;
  const std::vector<Requirement>& requirements() const { return requirements_; }
  // The value a selector requires for field (the first `=` term on it), if any.
  std::optional<std::string> requires_exact_match(std::string_view field) const;
  // Applies fn to every term; terms that become an empty field and value are dropped.
  Expected<Selector> transform(const TransformFn& fn) const;

  // Builds a selector from terms without parsing.
  static Selector from_requirements(std::vector<Requirement> requirements);

 private:
  std::vector<Requirement> requirements_;
  bool nothing_ = false;
};

// Parses the string syntax; errors read as upstream's ParseSelector.
Expected<Selector> parse(std::string_view selector);
// Parses, then applies fn (upstream ParseAndTransformSelector).
Expected<Selector> parse_and_transform(std::string_view selector, const TransformFn& fn);
// `field=value` for every entry, sorted by field.
Selector selector_from_set(const std::map<std::string, std::string>& set);
Selector one_term_equal(std::string field, std::string value);
Selector one_term_not_equal(std::string field, std::string value);

// Escapes '\', ',' and '=' with a backslash, for building selector strings from literals.
std::string escape_value(std::string_view value);
// The inverse; errors on unknown escapes and unescaped ',' or '=' as upstream.
Expected<std::string> unescape_value(std::string_view value);

// Rejects a selector that uses a field outside the supported set, with the apiserver's
// message "field label not supported: <field>".
Status check_supported_fields(const Selector& selector, const std::set<std::string>& supported);

}  // namespace kscratch::apimachinery::fields
