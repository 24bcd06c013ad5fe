#include "pods.h"

#include "json_fields.h"
#include "kscratch/apimachinery/labels.h"

namespace kscratch::kubectl {

namespace labels = apimachinery::labels;

bool pod_ready(const boost::json::object& pod) {
  auto* conditions = sub(pod, "status").if_contains("conditions");
  if (!conditions || !conditions->is_array()) return false;
  for (auto& c : conditions->get_array())
    if (c.is_object() && str(c.get_object(), "type") == "Ready") return str(c.get_object(), "status") == "True";
  return false;
}

std::vector<std::string> container_names(const boost::json::object& pod, const char* field, const char* suffix) {
  std::vector<std::string> out;
  auto* list = sub(pod, "spec").if_contains(field);
  if (list && list->is_array())
    for (auto& c : list->get_array())
      if (c.is_object()) out.push_back(str(c.get_object(), "name") + suffix);
  return out;
}

std::string set_selector(const boost::json::object& map) {
  labels::LabelMap set;
  for (auto& [k, v] : map)
    if (v.is_string()) set.emplace(std::string(k), std::string(v.get_string()));
  return labels::selector_from_set(set).to_string();
}

std::string label_selector(const boost::json::object& selector) {
  auto parsed = labels::from_label_selector(selector);
  return parsed ? parsed->to_string() : std::string();
}

}  // namespace kscratch::kubectl
