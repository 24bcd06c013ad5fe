#include "controllers/common/pods.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace kscratch::controllers {

namespace {

const json::object* status_of(const json::object& pod) { return object_at(pod, "status"); }

const json::object* ready_condition(const json::object& pod) {
  const json::object* status = status_of(pod);
  if (!status) return nullptr;
  const json::value* conditions = status->if_contains("conditions");
  if (!conditions || !conditions->is_array()) return nullptr;
  for (const json::value& c : conditions->get_array()) {
    if (const json::object* cond = c.if_object(); cond && string_at(*cond, "type") == "Ready") return cond;
  }
  return nullptr;
}

}  // namespace

std::string pod_phase(const json::object& pod) {
  const json::object* status = status_of(pod);
  return status ? string_at(*status, "phase") : "";
}

std::string pod_node_name(const json::object& pod) {
  const json::object* spec = object_at(pod, "spec");
  return spec ? string_at(*spec, "nodeName") : "";
}

bool is_pod_ready(const json::object& pod) {
  const json::object* c = ready_condition(pod);
  return c && string_at(*c, "status") == "True";
}

std::optional<TimePoint> pod_ready_time(const json::object& pod) {
  if (!is_pod_ready(pod)) return std::nullopt;
  return parse_time(string_at(*ready_condition(pod), "lastTransitionTime"));
}

bool is_pod_available(const json::object& pod, int32_t min_ready_seconds, TimePoint now) {
  if (!is_pod_ready(pod)) return false;
  if (min_ready_seconds == 0) return true;
  std::optional<TimePoint> since = parse_time(string_at(*ready_condition(pod), "lastTransitionTime"));
  return since && *since + std::chrono::seconds(min_ready_seconds) < now;
}

bool is_pod_active(const json::object& pod) {
  const std::string phase = pod_phase(pod);
  return phase != "Succeeded" && phase != "Failed" && !is_being_deleted(pod);
}

int max_container_restarts(const json::object& pod) {
  int max_restarts = 0;
  const json::object* status = status_of(pod);
  if (!status) return 0;
  const json::value* statuses = status->if_contains("containerStatuses");
  if (!statuses || !statuses->is_array()) return 0;
  for (const json::value& s : statuses->get_array()) {
    if (const json::object* cs = s.if_object()) {
      max_restarts = std::max(max_restarts, static_cast<int>(int_at(*cs, "restartCount").value_or(0)));
    }
  }
  return max_restarts;
}

int32_t pod_deletion_cost(const json::object& pod) {
  std::optional<std::string> v = annotation_of(pod, "controller.kubernetes.io/pod-deletion-cost");
  if (!v) return 0;
  // strconv.ParseInt(v, 10, 32): an optional sign, decimal digits, within int32.
  std::string_view s = *v;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t cost = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), cost);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return 0;
  if (cost < std::numeric_limits<int32_t>::min() || cost > std::numeric_limits<int32_t>::max()) return 0;
  return static_cast<int32_t>(cost);
}

}  // namespace kscratch::controllers
