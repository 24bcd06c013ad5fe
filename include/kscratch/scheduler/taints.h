#pragma once
// Node taints and pod tolerations (upstream v1.Taint, v1.Toleration and the v1helper functions).

#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

namespace kscratch::scheduler {

inline constexpr const char* kEffectNoSchedule = "NoSchedule";
inline constexpr const char* kEffectPreferNoSchedule = "PreferNoSchedule";
inline constexpr const char* kEffectNoExecute = "NoExecute";

// Taints the node lifecycle controller and kubectl cordon put on nodes (upstream v1.TaintNode*).
inline constexpr const char* kTaintNodeNotReady = "node.kubernetes.io/not-ready";
inline constexpr const char* kTaintNodeUnreachable = "node.kubernetes.io/unreachable";
inline constexpr const char* kTaintNodeUnschedulable = "node.kubernetes.io/unschedulable";

struct Taint {
  std::string key;
  std::string value;
  std::string effect;
};

struct Toleration {
  std::string key;
  std::string op;  // "Equal" (also when empty) or "Exists".
  std::string value;
  std::string effect;  // Empty tolerates every effect.

  // upstream Toleration.ToleratesTaint; an empty key with Exists tolerates every taint.
  bool tolerates(const Taint& taint) const;
};

// upstream v1helper.TolerationsTolerateTaint.
bool tolerations_tolerate(const std::vector<Toleration>& tolerations, const Taint& taint);

std::vector<Taint> parse_taints(const boost::json::value* taints);            // node.spec.taints
std::vector<Toleration> parse_tolerations(const boost::json::value* list);    // pod.spec.tolerations

}  // namespace kscratch::scheduler
