// metav1.LabelSelector (JSON) to Selector, as upstream's LabelSelectorAsSelector.

#include <boost/json.hpp>

#include "go_format.h"
#include "kscratch/apimachinery/labels.h"
#include "requirement_internal.h"

namespace kscratch::apimachinery::labels {
namespace {

std::string type_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "bool";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
    default: return "number";
  }
}

// The wording of Go's encoding/json type errors, since that is where upstream rejects these.
Error type_error(const boost::json::value& v, std::string_view field, std::string_view want) {
  return make_error("json: cannot unmarshal " + type_name(v) + " into Go struct field " + std::string(field) +
                    " of type " + std::string(want));
}

std::string as_string(const boost::json::string& s) { return std::string(s.data(), s.size()); }

Expected<Requirement> expression_requirement(const boost::json::value& expr) {
  if (!expr.is_object()) return type_error(expr, "LabelSelector.matchExpressions", "v1.LabelSelectorRequirement");
  const boost::json::object& obj = expr.get_object();
  std::string key;
  std::string op_name;
  std::vector<std::string> values;
  if (const auto* k = obj.if_contains("key"); k && !k->is_null()) {
    if (!k->is_string()) return type_error(*k, "LabelSelectorRequirement.matchExpressions.key", "string");
    key = as_string(k->get_string());
  }
  if (const auto* o = obj.if_contains("operator"); o && !o->is_null()) {
    if (!o->is_string()) {
      return type_error(*o, "LabelSelectorRequirement.matchExpressions.operator", "v1.LabelSelectorOperator");
    }
    op_name = as_string(o->get_string());
  }
  if (const auto* vs = obj.if_contains("values"); vs && !vs->is_null()) {
    if (!vs->is_array()) return type_error(*vs, "LabelSelectorRequirement.matchExpressions.values", "[]string");
    for (const boost::json::value& v : vs->get_array()) {
      if (!v.is_string()) return type_error(v, "LabelSelectorRequirement.matchExpressions.values", "string");
      values.push_back(as_string(v.get_string()));
    }
  }
  Operator op;
  if (op_name == "In") {
    op = Operator::kIn;
  } else if (op_name == "NotIn") {
    op = Operator::kNotIn;
  } else if (op_name == "Exists") {
    op = Operator::kExists;
  } else if (op_name == "DoesNotExist") {
    op = Operator::kDoesNotExist;
  } else {
    return make_error(detail::go_quote(op_name) + " is not a valid pod selector operator");
  }
  // Upstream copies values with append([]string(nil), ...), so an empty list is a nil slice.
  bool present = !values.empty();
  return detail::make_requirement(std::move(key), op, std::move(values), present);
}

}  // namespace

Expected<Selector> from_label_selector(const boost::json::value& label_selector) {
  if (label_selector.is_null()) return Selector::nothing();
  if (!label_selector.is_object()) return type_error(label_selector, "LabelSelector", "v1.LabelSelector");
  const boost::json::object& obj = label_selector.get_object();
  std::vector<Requirement> requirements;
  if (const auto* match_labels = obj.if_contains("matchLabels"); match_labels && !match_labels->is_null()) {
    if (!match_labels->is_object()) {
      return type_error(*match_labels, "LabelSelector.matchLabels", "map[string]string");
    }
    // Sorted by key so that the first error reported does not depend on map order.
    LabelMap sorted;
    for (const auto& [k, v] : match_labels->get_object()) {
      if (!v.is_string()) return type_error(v, "LabelSelector.matchLabels", "string");
      sorted[std::string(k)] = as_string(v.get_string());
    }
    for (auto& [k, v] : sorted) {
      Expected<Requirement> r = Requirement::make(k, Operator::kEquals, {v});
      if (!r) return r.error();
      requirements.push_back(std::move(*r));
    }
  }
  if (const auto* exprs = obj.if_contains("matchExpressions"); exprs && !exprs->is_null()) {
    if (!exprs->is_array()) {
      return type_error(*exprs, "LabelSelector.matchExpressions", "[]v1.LabelSelectorRequirement");
    }
    for (const boost::json::value& expr : exprs->get_array()) {
      Expected<Requirement> r = expression_requirement(expr);
      if (!r) return r.error();
      requirements.push_back(std::move(*r));
    }
  }
  return detail::RequirementAccess::build(std::move(requirements));
}

std::string format_label_selector(const boost::json::value& label_selector) {
  Expected<Selector> selector = from_label_selector(label_selector);
  if (!selector) return "<error>";
  std::string s = selector->to_string();
  return s.empty() ? "<none>" : s;
}

}  // namespace kscratch::apimachinery::labels
