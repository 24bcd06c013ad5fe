#pragma once
// Which pods a ReplicaSet deletes first when it has too many: upstream's
// controller.ActivePodsWithRanks ordering and getPodsToDelete
// (pkg/controller/controller_utils.go, pkg/controller/replicaset/replica_set.go), with
// PodDeletionCost and LogarithmicScaleDown on, as they are by default since 1.22.

#include <vector>

#include "controllers/common/json_fields.h"

namespace kscratch::controllers::replicaset {

// ActivePodsWithRanks.Less: true when pod a (with rank_a) should be deleted before b.
//  1. unassigned < assigned
//  2. Pending < Unknown < Running
//  3. not ready < ready
//  4. lower controller.kubernetes.io/pod-deletion-cost < higher
//  5. higher rank (more active related pods on the same node) < lower
//  6. ready for less time < more time (log2 buckets relative to now, then uid)
//  7. more container restarts < fewer
//  8. newer < older (log2 buckets relative to now, then uid)
bool delete_before(const json::object& a, int rank_a, const json::object& b, int rank_b, TimePoint now);

// getPodsRankedByRelatedPodsOnSameNode: each pod's rank is the number of active pods in
// related_pods on its node.
std::vector<int> ranks_by_related_pods_on_same_node(const std::vector<const json::object*>& pods,
                                                    const std::vector<const json::object*>& related_pods);

// getPodsToDelete: the first `diff` pods in deletion order (all of them, unsorted, when
// diff covers them all, as upstream skips the sort then).
std::vector<const json::object*> pods_to_delete(std::vector<const json::object*> pods,
                                                const std::vector<const json::object*>& related_pods,
                                                int diff, TimePoint now);

}  // namespace kscratch::controllers::replicaset
