#include "pod_status.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/object.h"

#include <fmt/format.h>

#include <string_view>

namespace kscratch::kubelet {

namespace {

using namespace apimachinery::object;

std::string stamp(TimePoint t) { return apimachinery::duration::format_rfc3339(t); }

const json::array& containers_of(const json::object& pod, std::string_view field) {
  static const json::array empty;
  auto* spec = object_at(pod, "spec");
  if (!spec) return empty;
  auto* list = spec->if_contains(field);
  return list && list->is_array() ? list->get_array() : empty;
}

json::object terminated_of(const containers::ContainerStatus& c) {
  json::object t{{"exitCode", c.exit_code},
                 {"reason", c.reason.empty() ? (c.exit_code == 0 ? "Completed" : "Error") : c.reason},
                 {"startedAt", stamp(c.started_at)},
                 {"finishedAt", stamp(c.finished_at)},
                 {"containerID", "runc://" + c.id}};
  if (!c.message.empty()) t["message"] = c.message;
  return t;
}

// One container's status (upstream's convertToAPIContainerStatuses).
json::object container_status(const std::string& name, const std::string& spec_image, const ContainerState* s,
                              std::string_view default_waiting) {
  json::object out{{"name", name},
                   {"image", s && !s->image.empty() ? s->image : spec_image},
                   {"imageID", s ? s->image_id : std::string()},
                   {"ready", false},
                   {"restartCount", s ? s->restart_count : 0},
                   {"started", false},
                   {"lastState", json::object{}}};
  if (!s || (!s->current && s->waiting_reason.empty())) {
    out["state"] = json::object{{"waiting", json::object{{"reason", default_waiting}}}};
    return out;
  }
  const auto& cur = s->current;
  if (cur) out["containerID"] = "runc://" + cur->id;
  if (!s->waiting_reason.empty()) {
    json::object waiting{{"reason", s->waiting_reason}};
    if (!s->waiting_message.empty()) waiting["message"] = s->waiting_message;
    out["state"] = json::object{{"waiting", waiting}};
    if (cur && cur->state == containers::State::exited) {
      out["lastState"] = json::object{{"terminated", terminated_of(*cur)}};
    } else if (s->previous && s->previous->state == containers::State::exited) {
      out["lastState"] = json::object{{"terminated", terminated_of(*s->previous)}};
    }
    return out;
  }
  if (s->previous && s->previous->state == containers::State::exited) {
    out["lastState"] = json::object{{"terminated", terminated_of(*s->previous)}};
  }
  if (cur->state == containers::State::running || cur->state == containers::State::created) {
    out["state"] = json::object{{"running", json::object{{"startedAt", stamp(cur->started_at)}}}};
    out["ready"] = s->ready;
    out["started"] = s->started;
  } else {
    out["state"] = json::object{{"terminated", terminated_of(*cur)}};
  }
  return out;
}

bool state_is(const json::object& status, std::string_view state) {
  auto* st = object_at(status, "state");
  return st && st->contains(state);
}

int exit_code_of(const json::object& status) {
  auto* st = object_at(status, "state");
  auto* t = st ? object_at(*st, "terminated") : nullptr;
  return t ? static_cast<int>(int_at(*t, "exitCode").value_or(0)) : 0;
}

bool has_last_termination(const json::object& status) {
  auto* last = object_at(status, "lastState");
  return last && last->contains("terminated");
}

json::object condition(const json::object& old_status, std::string_view type, bool value, std::string_view reason,
                       const std::string& message, TimePoint now) {
  std::string status = value ? "True" : "False";
  json::object c{{"type", type}, {"status", status}, {"lastProbeTime", nullptr}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  std::string transition = stamp(now);
  if (auto* old = old_status.if_contains("conditions"); old && old->is_array()) {
    for (auto& o : old->get_array()) {
      if (o.is_object() && string_at(o.get_object(), "type") == type &&
          string_at(o.get_object(), "status") == status) {
        auto t = string_at(o.get_object(), "lastTransitionTime");
        if (!t.empty()) transition = t;
      }
    }
  }
  c["lastTransitionTime"] = transition;
  return c;
}

std::string names_list(const std::vector<std::string>& names) {
  return fmt::format("[{}]", fmt::join(names, " "));
}

}  // namespace

bool should_restart(const json::object& pod, const containers::ContainerStatus& exited) {
  auto policy = string_at(*object_at(pod, "spec"), "restartPolicy");
  if (policy == "Never") return false;
  if (policy == "OnFailure") return exited.exit_code != 0;
  return true;  // Always, the default
}

std::string pod_phase(const json::object& pod, const json::array& init_statuses, const json::array& statuses) {
  auto* spec = object_at(pod, "spec");
  auto policy = spec ? string_at(*spec, "restartPolicy") : std::string();
  // Init containers first: the pod is Pending until all succeeded.
  for (auto& v : init_statuses) {
    const auto& s = v.get_object();
    if (state_is(s, "terminated") && exit_code_of(s) == 0) continue;
    if (state_is(s, "terminated") && policy == "Never") return "Failed";
    if (has_last_termination(s) && policy == "Never") return "Failed";
    return "Pending";
  }
  int running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (auto& v : statuses) {
    const auto& s = v.get_object();
    if (state_is(s, "running")) {
      ++running;
    } else if (state_is(s, "terminated")) {
      ++stopped;
      if (exit_code_of(s) == 0) ++succeeded;
    } else if (has_last_termination(s)) {
      ++stopped;
    } else {
      ++waiting;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy == "Always" || policy.empty()) return "Running";
    if (stopped == succeeded) return "Succeeded";
    if (policy == "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

json::object compute_pod_status(const json::object& pod, const PodState& state, const json::object& old_status,
                                TimePoint now) {
  auto find = [&](const std::string& name) -> const ContainerState* {
    auto it = state.containers.find(name);
    return it == state.containers.end() ? nullptr : &it->second;
  };
  json::array init_statuses, statuses;
  bool initialized = true;
  std::vector<std::string> incomplete, unready;
  for (auto& v : containers_of(pod, "initContainers")) {
    const auto& c = v.get_object();
    auto name = string_at(c, "name");
    auto s = container_status(name, string_at(c, "image"), find(name), "PodInitializing");
    if (!(state_is(s, "terminated") && exit_code_of(s) == 0)) {
      initialized = false;
      incomplete.push_back(name);
    }
    init_statuses.push_back(std::move(s));
  }
  for (auto& v : containers_of(pod, "containers")) {
    const auto& c = v.get_object();
    auto name = string_at(c, "name");
    auto s = container_status(name, string_at(c, "image"), find(name),
                              initialized ? "ContainerCreating" : "PodInitializing");
    if (!(s.at("ready").as_bool())) unready.push_back(name);
    statuses.push_back(std::move(s));
  }

  auto old_phase = string_at(old_status, "phase");
  auto phase = pod_phase(pod, init_statuses, statuses);
  // A terminal phase is final (upstream never moves a pod out of Succeeded or Failed).
  if (old_phase == "Succeeded" || old_phase == "Failed") phase = old_phase;

  json::object status{{"phase", phase}};
  // The QoS class is the apiserver's, set when the pod was created; immutable after.
  if (auto qos = string_at(old_status, "qosClass"); !qos.empty()) status["qosClass"] = qos;
  json::array conditions;
  conditions.push_back(condition(old_status, "PodReadyToStartContainers", state.sandbox_ready, "", "", now));
  conditions.push_back(condition(old_status, "Initialized", initialized, initialized ? "" : "ContainersNotInitialized",
                                 initialized ? "" : "containers with incomplete status: " + names_list(incomplete),
                                 now));
  bool terminal = phase == "Succeeded" || phase == "Failed";
  bool ready = unready.empty() && !terminal;
  std::string not_ready_reason = terminal ? "PodCompleted" : "ContainersNotReady";
  std::string not_ready_message = terminal ? "" : "containers with unready status: " + names_list(unready);
  conditions.push_back(condition(old_status, "Ready", ready, ready ? "" : not_ready_reason,
                                 ready ? "" : not_ready_message, now));
  conditions.push_back(condition(old_status, "ContainersReady", ready, ready ? "" : not_ready_reason,
                                 ready ? "" : not_ready_message, now));
  // Conditions the kubelet does not own (PodScheduled, DisruptionTarget) stay as they are.
  if (auto* old = old_status.if_contains("conditions"); old && old->is_array()) {
    for (auto& o : old->get_array()) {
      if (!o.is_object()) continue;
      auto type = string_at(o.get_object(), "type");
      if (type != "PodReadyToStartContainers" && type != "Initialized" && type != "Ready" &&
          type != "ContainersReady") {
        conditions.push_back(o);
      }
    }
  }
  status["conditions"] = std::move(conditions);
  if (!state.host_ip.empty()) {
    status["hostIP"] = state.host_ip;
    status["hostIPs"] = json::array{json::object{{"ip", state.host_ip}}};
  }
  if (!state.pod_ip.empty()) {
    status["podIP"] = state.pod_ip;
    status["podIPs"] = json::array{json::object{{"ip", state.pod_ip}}};
  }
  if (state.start_time) status["startTime"] = stamp(*state.start_time);
  if (!init_statuses.empty()) status["initContainerStatuses"] = std::move(init_statuses);
  status["containerStatuses"] = std::move(statuses);
  return status;
}

}  // namespace kscratch::kubelet
