#pragma once
// kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath), the subset people use:
// text and {actions}; paths with .field, ['field'], [n], [-n], [a:b], [*], ..field,
// [?(@.x == "y")] filters (==, !=, <, <=, >, >=, existence) and unions; {range PATH}...{end};
// string literals {"\n"}. Several results of one action print separated by spaces;
// maps and lists print as compact JSON, keys sorted. Missing fields print nothing, as
// `kubectl get -o jsonpath` (allowMissingKeys) does.

#include "kscratch/util/expected.h"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace kscratch::kubectl::jsonpath {

struct Node;

class Template {
 public:
  // Errors read as kubectl's: "error parsing jsonpath {.a, unclosed action".
  static Expected<Template> parse(const std::string& text);
  Expected<std::string> execute(const boost::json::value& data) const;
  // The values one path action selects (custom-columns).
  std::vector<boost::json::value> select(const boost::json::value& data) const;

  std::shared_ptr<const std::vector<Node>> nodes;
};

// What kubectl prints for one selected value outside JSON: strings raw, numbers as Go's %v.
std::string text_of(const boost::json::value& v);
// A value as encoding/json.Marshal writes it (compact, keys sorted, HTML-safe).
std::string compact_json(const boost::json::value& v);

}  // namespace kscratch::kubectl::jsonpath
