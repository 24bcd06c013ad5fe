#pragma once
// The scheduling algorithm (upstream schedule_one.go schedulePod): filter the nodes, starting
// where the previous cycle stopped and stopping once enough feasible nodes are found
// (percentageOfNodesToScore), score the feasible ones, and pick the best, ties at random.
// When no node fits, a FitError carries upstream's message.
//
// Driving it: parse the pending pod once (make_pod_info), call schedule() with the cache, and on
// success cache.assume_pod(pod, result.node) before binding; then finish_binding or forget_pod.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kscratch/scheduler/cache.h"
#include "kscratch/scheduler/framework.h"
#include "kscratch/scheduler/registry.h"

namespace kscratch::scheduler {

// upstream ErrNoNodesAvailable.
inline constexpr const char* kNoNodesAvailable = "no nodes available to schedule pods";

// Why a pod fits on no node (upstream framework.FitError and its Diagnosis).
struct FitError {
  int num_all_nodes = 0;
  std::vector<std::pair<std::string, Status>> node_statuses;  // Node name, filter status.
  // The reason counted for each node without a status (upstream AbsentNodesStatus); empty for
  // none, which is the case in the scheduling cycle itself.
  std::string absent_nodes_reason;
  std::string post_filter_message;  // What preemption (the PostFilter) said; see algorithm.cc.

  // How many nodes gave each reason.
  std::map<std::string, int> reason_counts() const;
  // upstream FitError.Error(): "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't
  // match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption
  // victims found for incoming pod, 2 Preemption is not helpful for scheduling."
  std::string message() const;
};

struct ScheduleResult {
  std::string node;  // The chosen node (upstream SuggestedHost); empty on failure.
  int evaluated_nodes = 0;
  int feasible_nodes = 0;
  std::optional<FitError> fit_error;  // Set when filters rejected every node.
  std::string error;                  // Other failures: kNoNodesAvailable.

  bool ok() const { return !node.empty(); }
  // The failure message for the FailedScheduling event and the PodScheduled condition.
  std::string message() const { return fit_error ? fit_error->message() : error; }
};

struct ScheduleOptions {
  // percentageOfNodesToScore; 0 means upstream's adaptive default (50% - nodes/125, at least 5%).
  int32_t percentage_of_nodes_to_score = 0;
};

// upstream numFeasibleNodesToFind: every node below 100 nodes, else the percentage of them but
// at least 100.
int32_t num_feasible_nodes_to_find(int32_t percentage_of_nodes_to_score, int32_t num_all_nodes);

// Returns a uniformly random integer in [0, bound): the tie-break source.
using RandomIndex = std::function<uint64_t(uint64_t bound)>;

class Algorithm {
 public:
  // An empty random source means a std::mt19937_64 seeded from std::random_device.
  explicit Algorithm(Profile profile = default_profile(), ScheduleOptions options = {},
                     RandomIndex random = {});

  // One scheduling cycle. Not reentrant (score plugins keep per-cycle state).
  ScheduleResult schedule(const PodInfo& pod, const Cache& cache);

  const Profile& profile() const { return profile_; }
  // upstream nextStartNodeIndex: where the next cycle starts filtering.
  size_t next_start_node_index() const { return next_start_node_index_; }

 private:
  Status run_filters(const PodInfo& pod, const NodeInfo& node) const;
  std::string select_host(const std::vector<const NodeInfo*>& feasible, const std::vector<int64_t>& totals);

  Profile profile_;
  ScheduleOptions options_;
  RandomIndex random_;
  size_t next_start_node_index_ = 0;
};

}  // namespace kscratch::scheduler
