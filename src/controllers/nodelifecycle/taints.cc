#include "taints.h"

#include "kscratch/apimachinery/duration.h"

namespace kscratch::controllers::nodelifecycle {

bool tolerates(const json::object& toleration, const json::object& taint) {
  auto effect = string_at(toleration, "effect");
  if (!effect.empty() && effect != string_at(taint, "effect")) return false;
  auto key = string_at(toleration, "key");
  auto op = string_at(toleration, "operator");
  if (key.empty()) return op == "Exists";  // an empty key with Exists tolerates everything
  if (key != string_at(taint, "key")) return false;
  if (op == "Exists") return true;
  return string_at(toleration, "value") == string_at(taint, "value");
}

const json::array& taints_of(const json::object& node) {
  static const json::array kNone;
  auto* spec = object_at(node, "spec");
  auto* taints = spec ? spec->if_contains("taints") : nullptr;
  return taints && taints->is_array() ? taints->get_array() : kNone;
}

std::string ready_status(const json::object& node) {
  auto* status = object_at(node, "status");
  auto* conditions = status ? status->if_contains("conditions") : nullptr;
  if (!conditions || !conditions->is_array()) return {};
  for (auto& c : conditions->get_array()) {
    if (c.is_object() && string_at(c.get_object(), "type") == "Ready") return string_at(c.get_object(), "status");
  }
  return {};
}

std::optional<TimePoint> eviction_time(const json::object& pod, const json::array& node_taints, TimePoint now) {
  auto* spec = object_at(pod, "spec");
  auto* tolerations = spec ? spec->if_contains("tolerations") : nullptr;
  std::optional<TimePoint> earliest;
  for (auto& t : node_taints) {
    if (!t.is_object() || string_at(t.get_object(), "effect") != "NoExecute") continue;
    auto& taint = t.get_object();
    const json::object* used = nullptr;
    std::optional<int64_t> seconds;
    bool forever = false;
    if (tolerations && tolerations->is_array()) {
      for (auto& tol : tolerations->get_array()) {
        if (!tol.is_object() || !tolerates(tol.get_object(), taint)) continue;
        used = &tol.get_object();
        auto s = int_at(*used, "tolerationSeconds");
        if (!s) {
          forever = true;
          break;
        }
        seconds = seconds ? std::min(*seconds, *s) : *s;
      }
    }
    if (!used) return now;  // not tolerated: evict at once
    if (forever && !seconds) continue;
    TimePoint added = now;
    if (auto parsed = apimachinery::duration::parse_rfc3339(string_at(taint, "timeAdded"))) added = *parsed;
    auto when = added + std::chrono::seconds(std::max<int64_t>(*seconds, 0));
    earliest = earliest ? std::min(*earliest, when) : when;
  }
  return earliest;
}

}  // namespace kscratch::controllers::nodelifecycle
