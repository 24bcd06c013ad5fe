#pragma once
// kube-scheduler's loop: watches pods and nodes through the API, schedules each pending
// pod of the default scheduler with the framework (algorithm.h), assumes it onto the
// chosen node at once and binds it with pods/binding in the background, as upstream's
// scheduling and binding cycles do. Pods that fit nowhere stay Pending with
// PodScheduled=False/Unschedulable and a FailedScheduling event, and are retried with
// backoff when nodes or pods change.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace kscratch::scheduler {

struct SchedulerOptions {
  std::string scheduler_name = "default-scheduler";
  // percentageOfNodesToScore; 0 is upstream's adaptive default.
  int percentage_of_nodes_to_score = 0;
};

// Runs until cancelled (a supervisor task).
boost::asio::awaitable<void> run_scheduler(client::Client& client, const SchedulerOptions& options);

}  // namespace kscratch::scheduler
