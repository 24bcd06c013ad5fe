// Node selector terms as component-helpers/scheduling/corev1/nodeaffinity: matchExpressions
// become label requirements (nodeSelectorRequirementsAsSelector), matchFields field requirements
// on metadata.name (nodeSelectorRequirementsAsFieldSelector, In/NotIn with one value).

#include "kscratch/scheduler/node_selector.h"

#include <optional>
#include <string>

#include <boost/json.hpp>

#include "json_access.h"
#include "kscratch/scheduler/node_info.h"

namespace kscratch::scheduler {

namespace labels = apimachinery::labels;

namespace {

std::optional<labels::Operator> label_operator(std::string_view op) {
  if (op == "In") return labels::Operator::kIn;
  if (op == "NotIn") return labels::Operator::kNotIn;
  if (op == "Exists") return labels::Operator::kExists;
  if (op == "DoesNotExist") return labels::Operator::kDoesNotExist;
  if (op == "Gt") return labels::Operator::kGreaterThan;
  if (op == "Lt") return labels::Operator::kLessThan;
  return std::nullopt;
}

std::vector<std::string> values_of(const boost::json::object& requirement) {
  std::vector<std::string> values;
  if (const boost::json::array* list = json_access::array_at(requirement, "values")) {
    for (const auto& v : *list) {
      if (v.is_string()) values.emplace_back(v.get_string());
    }
  }
  return values;
}

// Appends the parsed requirements; false when one is invalid (the whole term then never matches).
bool parse_expressions(const boost::json::array* list, std::vector<labels::Requirement>& out) {
  if (list == nullptr) return true;
  for (const auto& item : *list) {
    if (!item.is_object()) return false;
    const auto& o = item.get_object();
    auto op = label_operator(json_access::string_at(o, "operator"));
    if (!op) return false;
    auto requirement = labels::Requirement::make(std::string(json_access::string_at(o, "key")), *op, values_of(o));
    if (!requirement) return false;
    out.push_back(std::move(*requirement));
  }
  return true;
}

bool parse_fields(const boost::json::array* list, std::vector<NodeNameRequirement>& out) {
  if (list == nullptr) return true;
  for (const auto& item : *list) {
    if (!item.is_object()) return false;
    const auto& o = item.get_object();
    std::string_view op = json_access::string_at(o, "operator");
    std::vector<std::string> values = values_of(o);
    // upstream accepts only In and NotIn with exactly one value, on the fields nodes support.
    if ((op != "In" && op != "NotIn") || values.size() != 1) return false;
    if (json_access::string_at(o, "key") != "metadata.name") return false;
    out.push_back(NodeNameRequirement{op == "In", std::move(values.front())});
  }
  return true;
}

}  // namespace

bool NodeSelectorTerm::matches(const Node& node) const {
  if (!valid || (match_expressions.empty() && match_fields.empty())) return false;
  for (const auto& r : match_expressions) {
    if (!r.matches(node.labels)) return false;
  }
  for (const auto& r : match_fields) {
    if ((node.name == r.name) != r.in) return false;
  }
  return true;
}

bool NodeSelector::matches(const Node& node) const {
  for (const auto& term : terms) {
    if (term.matches(node)) return true;
  }
  return false;
}

NodeSelectorTerm parse_node_selector_term(const boost::json::value& term) {
  NodeSelectorTerm out;
  if (!term.is_object()) {
    out.valid = false;
    return out;
  }
  const auto& o = term.get_object();
  out.valid = parse_expressions(json_access::array_at(o, "matchExpressions"), out.match_expressions) &&
              parse_fields(json_access::array_at(o, "matchFields"), out.match_fields);
  return out;
}

NodeSelector parse_node_selector(const boost::json::value& node_selector) {
  NodeSelector out;
  if (!node_selector.is_object()) return out;
  if (const boost::json::array* terms = json_access::array_at(node_selector.get_object(), "nodeSelectorTerms")) {
    for (const auto& t : *terms) out.terms.push_back(parse_node_selector_term(t));
  }
  return out;
}

}  // namespace kscratch::scheduler
