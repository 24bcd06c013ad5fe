#pragma once
// slowStartBatch (upstream pkg/controller/replicaset/replica_set.go): pods are created in
// batches of 1, 2, 4, 8, ... so that a quota or admission error costs one failed request,
// not five hundred. A batch runs concurrently; a failure in it stops the later batches.

#include <functional>
#include <vector>

namespace kscratch::controllers::replicaset {

// controller.SlowStartInitialBatchSize and the ReplicaSet controller's burstReplicas: at
// most this many pods are created or deleted per sync.
inline constexpr int kSlowStartInitialBatchSize = 1;
inline constexpr int kBurstReplicas = 500;

// The batch sizes for `count` creations: min(initial, count), then doubling, the last one
// trimmed so they sum to count. 10 -> {1, 2, 4, 3}.
std::vector<int> slow_start_batches(int count, int initial_batch_size = kSlowStartInitialBatchSize);

// Runs `attempt` count times batch by batch (sequentially here; a shell may run each batch
// concurrently), stopping after the first batch with a failure. Returns the successes;
// count - successes creations were never attempted or failed, and their expectations must
// be lowered (creation_observed once each).
int slow_start_batch(int count, int initial_batch_size, const std::function<bool()>& attempt);

}  // namespace kscratch::controllers::replicaset
