// Taints and tolerations as k8s.io/api/core/v1 (toleration.go) and v1helper.

#include "kscratch/scheduler/taints.h"

#include <boost/json.hpp>

#include "json_access.h"

namespace kscratch::scheduler {

bool Toleration::tolerates(const Taint& taint) const {
  if (!effect.empty() && effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  if (op.empty() || op == "Equal") return value == taint.value;
  return op == "Exists";
}

bool tolerations_tolerate(const std::vector<Toleration>& tolerations, const Taint& taint) {
  for (const Toleration& t : tolerations) {
    if (t.tolerates(taint)) return true;
  }
  return false;
}

std::vector<Taint> parse_taints(const boost::json::value* taints) {
  std::vector<Taint> out;
  if (taints == nullptr || !taints->is_array()) return out;
  for (const auto& t : taints->get_array()) {
    if (!t.is_object()) continue;
    const auto& o = t.get_object();
    out.push_back(Taint{std::string(json_access::string_at(o, "key")), std::string(json_access::string_at(o, "value")),
                        std::string(json_access::string_at(o, "effect"))});
  }
  return out;
}

std::vector<Toleration> parse_tolerations(const boost::json::value* list) {
  std::vector<Toleration> out;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& t : list->get_array()) {
    if (!t.is_object()) continue;
    const auto& o = t.get_object();
    out.push_back(Toleration{std::string(json_access::string_at(o, "key")),
                             std::string(json_access::string_at(o, "operator")),
                             std::string(json_access::string_at(o, "value")),
                             std::string(json_access::string_at(o, "effect"))});
  }
  return out;
}

}  // namespace kscratch::scheduler
