#pragma once
// Label selectors as k8s.io/apimachinery/pkg/labels: the string syntax of ?labelSelector= and
// kubectl -l (`a=b,c!=d,e in (x,y),f notin (z),g,!h`), and metav1.LabelSelector objects
// (spec.selector of Deployments, ReplicaSets, ...). Parse errors carry upstream's texts.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::labels {

using LabelMap = std::map<std::string, std::string>;

namespace detail {
struct RequirementAccess;  // Lets the parsers build what they have already validated.
}  // namespace detail

enum class Operator {
  kIn,
  kNotIn,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kExists,
  kDoesNotExist,
  kGreaterThan,
  kLessThan,
};

// Upstream's selection.Operator spelling: "in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt".
std::string_view operator_name(Operator op);

// One key/operator/values term. Built only through make() or the parsers, so it is valid.
class Requirement {
 public:
  // Validates as upstream's NewRequirement; the error text is upstream's aggregated field errors.
  static Expected<Requirement> make(std::string key, Operator op, std::vector<std::string> values);

  const std::string& key() const { return key_; }
  Operator op() const { return op_; }
  const std::vector<std::string>& values() const { return values_; }

  bool matches(const LabelMap& labels) const;
  // Same, over a JSON object such as metadata.labels; non-string values count as absent.
  bool matches(const boost::json::object& labels) const;
  std::string to_string() const;

  bool operator==(const Requirement&) const = default;

 private:
  friend struct detail::RequirementAccess;
  Requirement(std::string key, Operator op, std::vector<std::string> values)
      : key_(std::move(key)), op_(op), values_(std::move(values)) {}
  template <class Lookup>
  bool matches_lookup(const Lookup& lookup) const;

  std::string key_;
  Operator op_;
  std::vector<std::string> values_;
};

// A conjunction of requirements, kept sorted by key as upstream does for a stable String().
class Selector {
 public:
  // Matches every label set (the empty selector, and the result of parsing "").
  static Selector everything() { return Selector(); }
  // Matches nothing: what a null metav1.LabelSelector means.
  static Selector nothing();

  bool matches(const LabelMap& labels) const;
  bool matches(const boost::json::object& labels) const;
  // True when the selector does not restrict anything (everything()); nothing() is not empty.
  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool is_nothing() const { return nothing_; }
  std::string to_string() const;
  const std::vector<Requirement>& requirements() const { return requirements_; }
  // A copy with the requirement added, re-sorted by key.
  Selector add(Requirement requirement) const;
  // The single value a selector requires for key (=, == or a one-value in), if any.
  std::optional<std::string> requires_exact_match(std::string_view key) const;

 private:
  friend struct detail::RequirementAccess;
  std::vector<Requirement> requirements_;
  bool nothing_ = false;
};

// Parses the string syntax. Errors read exactly as upstream's labels.Parse.
Expected<Selector> parse(std::string_view selector);
// An equality selector for every entry (upstream SelectorFromSet; no validation).
Selector selector_from_set(const LabelMap& set);
// Same, validating keys and values (upstream ValidatedSelectorFromSet).
Expected<Selector> validated_selector_from_set(const LabelMap& set);
// Converts a metav1.LabelSelector JSON value ({matchLabels, matchExpressions}) as upstream's
// LabelSelectorAsSelector: null means nothing(), an empty object means everything().
Expected<Selector> from_label_selector(const boost::json::value& label_selector);
// kubectl's rendering of a metav1.LabelSelector: the selector string, "<none>" when empty,
// "<error>" when invalid (upstream FormatLabelSelector).
std::string format_label_selector(const boost::json::value& label_selector);

}  // namespace kscratch::apimachinery::labels
