#pragma once
// What the kubelet knows about one pod beyond the API object: its containers as the
// runtime reports them, why a container is waiting, probe results. The pod worker keeps
// it; the status is computed from it (pod_status.h).

#include "kscratch/containers/runtime.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace kscratch::kubelet {

using TimePoint = std::chrono::system_clock::time_point;

struct ContainerState {
  std::optional<containers::ContainerStatus> current;   // the latest container made for this name
  std::optional<containers::ContainerStatus> previous;  // the one before it (lastState, logs --previous)
  int restart_count = 0;
  // Set while the container is not running for a reason the runtime does not know:
  // ContainerCreating, ErrImagePull, ImagePullBackOff, CrashLoopBackOff, CreateContainerError, ...
  std::string waiting_reason;
  std::string waiting_message;
  std::string image;     // the image as resolved ("docker.io/library/busybox:1.36")
  std::string image_id;  // its repo digest, or id
  bool ready = false;    // readiness probe (true without one, once running)
  bool started = false;  // startup probe (true without one, once running)
};

struct PodState {
  std::map<std::string, ContainerState> containers;  // by container name, init and app
  bool sandbox_ready = false;                        // network namespace attached
  std::string pod_ip;
  std::string host_ip;
  std::optional<TimePoint> start_time;
};

}  // namespace kscratch::kubelet
