#pragma once
// Pod state as the workload controllers judge it: upstream's pkg/api/v1/pod helpers
// (IsPodReady, IsPodAvailable) and controller_utils.go (IsPodActive, podReadyTime,
// maxContainerRestarts) plus the pod-deletion-cost annotation.

#include <optional>
#include <string>

#include "controllers/common/json_fields.h"

namespace kscratch::controllers {

std::string pod_phase(const json::object& pod);
std::string pod_node_name(const json::object& pod);
// IsPodReady: the Ready condition has status "True".
bool is_pod_ready(const json::object& pod);
// podReadyTime: the Ready condition's lastTransitionTime when ready, else nullopt (zero).
std::optional<TimePoint> pod_ready_time(const json::object& pod);
// IsPodAvailable: ready, and ready for more than min_ready_seconds (strictly, as upstream).
bool is_pod_available(const json::object& pod, int32_t min_ready_seconds, TimePoint now);
// IsPodActive: not Succeeded, not Failed, not being deleted.
bool is_pod_active(const json::object& pod);
// maxContainerRestarts: the highest restartCount among status.containerStatuses.
int max_container_restarts(const json::object& pod);
// helper.GetDeletionCostFromPodAnnotations: controller.kubernetes.io/pod-deletion-cost as
// an int32, 0 when absent or invalid.
int32_t pod_deletion_cost(const json::object& pod);

}  // namespace kscratch::controllers
