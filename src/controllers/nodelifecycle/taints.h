#pragma once
// NoExecute taints and tolerations (upstream pkg/controller/tainteviction and
// v1helper.ToleratesTaint), and the node conditions the lifecycle controller judges.

#include "controllers/common/json_fields.h"

#include <chrono>
#include <optional>

namespace kscratch::controllers::nodelifecycle {

inline constexpr const char* kUnreachableTaint = "node.kubernetes.io/unreachable";
inline constexpr const char* kNotReadyTaint = "node.kubernetes.io/not-ready";

// Whether the toleration tolerates the taint (key, operator Exists/Equal, value, effect).
bool tolerates(const json::object& toleration, const json::object& taint);

// When a pod on a node with these taints must be evicted: nothing when no NoExecute
// taint applies or all are tolerated forever; zero when one is not tolerated at all;
// otherwise the smallest tolerationSeconds among the tolerations used, counted from the
// taint's timeAdded (upstream's getMinTolerationTime + processPodOnNode).
std::optional<TimePoint> eviction_time(const json::object& pod, const json::array& node_taints, TimePoint now);

// spec.taints of a node, or an empty array.
const json::array& taints_of(const json::object& node);
// status of the node's Ready condition: "True", "False", "Unknown", or "" if absent.
std::string ready_status(const json::object& node);

}  // namespace kscratch::controllers::nodelifecycle
