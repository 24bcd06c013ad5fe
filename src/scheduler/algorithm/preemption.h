#pragma once
// What upstream's DefaultPreemption PostFilter reports when it finds no victims.

#include <string>

#include "kscratch/scheduler/algorithm.h"

namespace kscratch::scheduler {

// kscratch does not preempt. It reports what upstream's DefaultPreemption (1.32) prints when
// no pod on any node has a lower priority than the incoming pod (the case without
// PriorityClasses): "preemption: " + a FitError where each node rejected as Unschedulable says
// "No preemption victims found for incoming pod" (SelectVictimsOnNode) and every other node
// "Preemption is not helpful for scheduling" (Evaluator.Preempt), or the ineligibility message
// for preemptionPolicy: Never (PodEligibleToPreemptOthers).
std::string preemption_message(const PodInfo& pod, const FitError& diagnosis);

}  // namespace kscratch::scheduler
