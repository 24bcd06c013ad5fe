#pragma once
// The pod's status as upstream's kubelet generates it (generateAPIPodStatus): phase,
// conditions, container statuses, addresses. Pure, so tested without a node.

#include "pod_state.h"

#include <boost/json/object.hpp>

namespace kscratch::kubelet {

namespace json = boost::json;

// old_status keeps conditions' lastTransitionTime when they did not change, and
// conditions owned by others (PodScheduled).
json::object compute_pod_status(const json::object& pod, const PodState& state, const json::object& old_status,
                                TimePoint now);

// Upstream's getPhase over the statuses computed for the pod's containers.
std::string pod_phase(const json::object& pod, const json::array& init_statuses, const json::array& statuses);

// Whether a container that exited should be started again under the pod's restartPolicy.
bool should_restart(const json::object& pod, const containers::ContainerStatus& exited);

}  // namespace kscratch::kubelet
