// Pods: upstream's printPod. STATUS is the pod's phase or reason, refined by the first init
// container that has not finished and then by the containers' waiting/terminated reasons;
// RESTARTS adds "(<age> ago)" of the latest container termination since 1.28.

#include <fmt/format.h>

#include <map>

#include "columns.h"
#include "json_access.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;

namespace {

// Upstream's node.NodeUnreachablePodReason.
constexpr std::string_view kNodeLostReason = "NodeLost";

// A sidecar: an init container with restartPolicy Always (podutil.IsRestartableInitContainer).
bool is_restartable_init_container(const json::object* container) {
  return container && string_at(*container, "restartPolicy") == "Always";
}

// Whether any condition of the type has status True (upstream's hasPodReadyCondition).
bool any_condition_true(const json::object& status, std::string_view type) {
  if (const json::array* conditions = array_at(status, "conditions")) {
    for (const json::value& v : *conditions) {
      const json::object* condition = v.if_object();
      if (condition && string_at(*condition, "type") == type &&
          string_at(*condition, "status") == "True") {
        return true;
      }
    }
  }
  return false;
}

// Whether the first condition of the type has status True (isPodInitializedConditionTrue).
bool first_condition_true(const json::object& status, std::string_view type) {
  if (const json::array* conditions = array_at(status, "conditions")) {
    for (const json::value& v : *conditions) {
      const json::object* condition = v.if_object();
      if (condition && string_at(*condition, "type") == type) {
        return string_at(*condition, "status") == "True";
      }
    }
  }
  return false;
}

// Tracks the latest lastState.terminated.finishedAt, as printPod's lastRestartDate.
void note_last_termination(const json::object& container_status,
                           std::optional<Clock::time_point>& latest) {
  const json::object* terminated = object_path(container_status, {"lastState", "terminated"});
  if (!terminated) return;
  std::optional<Clock::time_point> finished = time_at(*terminated, "finishedAt");
  if (finished && (!latest || *latest < *finished)) latest = finished;
}

struct PodSummary {
  int64_t ready = 0;
  int64_t total = 0;
  int64_t restarts = 0;
  std::optional<Clock::time_point> last_restart;
  std::string reason;
};

// The init-container pass: counts restarts and ready sidecars, and sets reason to "Init:..." at
// the first init container that has not completed. Returns whether the pod is initializing.
bool summarize_init_containers(const json::object& spec, const json::object& status,
                               PodSummary& summary, int64_t& sidecar_restarts,
                               std::optional<Clock::time_point>& last_sidecar_restart) {
  std::map<std::string, const json::object*> init_containers;
  const json::array* init_specs = array_at(spec, "initContainers");
  if (init_specs) {
    for (const json::value& v : *init_specs) {
      const json::object* container = v.if_object();
      if (!container) continue;
      init_containers[string_at(*container, "name")] = container;
      if (is_restartable_init_container(container)) ++summary.total;
    }
  }
  const json::array* statuses = array_at(status, "initContainerStatuses");
  if (!statuses) return false;
  const size_t init_count = init_specs ? init_specs->size() : 0;
  for (size_t i = 0; i < statuses->size(); ++i) {
    const json::object& container = object_or_empty((*statuses)[i].if_object());
    const int64_t restart_count = int_at(container, "restartCount");
    summary.restarts += restart_count;
    note_last_termination(container, summary.last_restart);
    auto spec_it = init_containers.find(string_at(container, "name"));
    const bool restartable =
        spec_it != init_containers.end() && is_restartable_init_container(spec_it->second);
    if (restartable) {
      sidecar_restarts += restart_count;
      note_last_termination(container, last_sidecar_restart);
    }
    const json::object* terminated = object_path(container, {"state", "terminated"});
    const json::object* waiting = object_path(container, {"state", "waiting"});
    if (terminated && int_at(*terminated, "exitCode") == 0) continue;
    if (restartable && bool_at(container, "started")) {
      if (bool_at(container, "ready")) ++summary.ready;
      continue;
    }
    if (terminated) {
      std::string reason = string_at(*terminated, "reason");
      if (!reason.empty()) {
        summary.reason = "Init:" + reason;
      } else if (int64_t signal = int_at(*terminated, "signal"); signal != 0) {
        summary.reason = fmt::format("Init:Signal:{}", signal);
      } else {
        summary.reason = fmt::format("Init:ExitCode:{}", int_at(*terminated, "exitCode"));
      }
    } else if (std::string reason = waiting ? string_at(*waiting, "reason") : "";
               !reason.empty() && reason != "PodInitializing") {
      summary.reason = "Init:" + reason;
    } else {
      summary.reason = fmt::format("Init:{}/{}", i, init_count);
    }
    return true;
  }
  return false;
}

// The regular-container pass, walked last to first so that the first container's reason wins.
void summarize_containers(const json::object& status, PodSummary& summary) {
  bool has_running = false;
  if (const json::array* statuses = array_at(status, "containerStatuses")) {
    for (size_t i = statuses->size(); i-- > 0;) {
      const json::object& container = object_or_empty((*statuses)[i].if_object());
      summary.restarts += int_at(container, "restartCount");
      note_last_termination(container, summary.last_restart);
      const json::object* waiting = object_path(container, {"state", "waiting"});
      const json::object* terminated = object_path(container, {"state", "terminated"});
      const json::object* running = object_path(container, {"state", "running"});
      if (waiting && !string_at(*waiting, "reason").empty()) {
        summary.reason = string_at(*waiting, "reason");
      } else if (terminated && !string_at(*terminated, "reason").empty()) {
        summary.reason = string_at(*terminated, "reason");
      } else if (terminated) {
        int64_t signal = int_at(*terminated, "signal");
        summary.reason = signal != 0 ? fmt::format("Signal:{}", signal)
                                     : fmt::format("ExitCode:{}", int_at(*terminated, "exitCode"));
      } else if (bool_at(container, "ready") && running) {
        has_running = true;
        ++summary.ready;
      }
    }
  }
  // A pod whose containers report Completed while one still runs is shown as running again.
  if (summary.reason == "Completed" && has_running) {
    summary.reason = any_condition_true(status, "Ready") ? "Running" : "NotReady";
  }
}

// Upstream converts v1 podIP/podIPs to the internal PodIPs with podIP taking precedence.
std::string pod_ip(const json::object& status) {
  std::string ip = string_at(status, "podIP");
  if (ip.empty()) {
    if (const json::array* ips = array_at(status, "podIPs"); ips && !ips->empty()) {
      if (const json::object* first = (*ips)[0].if_object()) ip = string_at(*first, "ip");
    }
  }
  return ip;
}

std::string readiness_gates(const json::object& spec, const json::object& status) {
  const json::array* gates = array_at(spec, "readinessGates");
  if (!gates || gates->empty()) return "<none>";
  const json::array* conditions = array_at(status, "conditions");
  int64_t true_conditions = 0;
  for (const json::value& gate : *gates) {
    const json::object* gate_object = gate.if_object();
    std::string type = gate_object ? string_at(*gate_object, "conditionType") : "";
    if (!conditions) continue;
    for (const json::value& v : *conditions) {
      const json::object* condition = v.if_object();
      if (!condition || string_at(*condition, "type") != type) continue;
      if (string_at(*condition, "status") == "True") ++true_conditions;
      break;
    }
  }
  return fmt::format("{}/{}", true_conditions, gates->size());
}

std::string or_none(std::string value) { return value.empty() ? "<none>" : value; }

}  // namespace

std::vector<TableColumn> pod_columns() {
  return {
      name_column(),
      column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      column("Status", "The aggregate status of the containers in this pod."),
      column("Restarts",
             "The number of times the containers in this pod have been restarted and when the "
             "last container in this pod has restarted."),
      age_column(),
      column("IP",
             "podIP address allocated to the pod. Routable at least within the cluster. Empty if "
             "not yet allocated.",
             1),
      column("Node",
             "NodeName indicates in which node this pod is scheduled. If empty, this pod is a "
             "candidate for scheduling by the scheduler defined in schedulerName. Once this field "
             "is set, the kubelet for this node becomes responsible for the lifecycle of this pod. "
             "This field should not be used to express a desire for the pod to be scheduled on a "
             "specific node. "
             "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
             1),
      column("Nominated Node",
             "nominatedNodeName is set only when this pod preempts other pods on the node, but it "
             "cannot be scheduled right away as preemption victims receive their graceful "
             "termination periods. This field does not guarantee that the pod will be scheduled "
             "on this node. Scheduler may decide to place the pod elsewhere if other nodes become "
             "available sooner. Scheduler may also decide to give the resources on this node to a "
             "higher priority pod that is created after preemption. As a result, this field may "
             "be different than PodSpec.nodeName when the pod is scheduled.",
             1),
      column("Readiness Gates",
             "If specified, all readiness gates will be evaluated for pod readiness. A pod is "
             "ready when all its containers are ready AND all conditions specified in the "
             "readiness gates have status equal to \"True\" More info: "
             "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
             1),
  };
}

json::array pod_row(const json::object& object, Clock::time_point now) {
  const json::object& spec = object_or_empty(object, "spec");
  const json::object& status = object_or_empty(object, "status");

  PodSummary summary;
  summary.total = length_at(spec, "containers");
  const std::string phase = string_at(status, "phase");
  const std::string status_reason = string_at(status, "reason");
  summary.reason = status_reason.empty() ? phase : status_reason;
  if (const json::array* conditions = array_at(status, "conditions")) {
    for (const json::value& v : *conditions) {
      const json::object* condition = v.if_object();
      if (condition && string_at(*condition, "type") == "PodScheduled" &&
          string_at(*condition, "reason") == "SchedulingGated") {
        summary.reason = "SchedulingGated";
      }
    }
  }

  int64_t sidecar_restarts = 0;
  std::optional<Clock::time_point> last_sidecar_restart;
  const bool initializing =
      summarize_init_containers(spec, status, summary, sidecar_restarts, last_sidecar_restart);
  if (!initializing || first_condition_true(status, "Initialized")) {
    // Once initialized, completed init containers' restarts no longer count; sidecars' do.
    summary.restarts = sidecar_restarts;
    summary.last_restart = last_sidecar_restart;
    summarize_containers(status, summary);
  }

  if (has_deletion_timestamp(object) && status_reason == kNodeLostReason) {
    summary.reason = "Unknown";
  } else if (has_deletion_timestamp(object) && phase != "Failed" && phase != "Succeeded") {
    summary.reason = "Terminating";
  }

  std::string restarts = std::to_string(summary.restarts);
  if (summary.restarts != 0 && summary.last_restart) {
    restarts += " (" + translate_timestamp_since(summary.last_restart, now) + " ago)";
  }

  return json::array{
      object_name(object),
      fmt::format("{}/{}", summary.ready, summary.total),
      summary.reason,
      restarts,
      object_age(object, now),
      or_none(pod_ip(status)),
      or_none(string_at(spec, "nodeName")),
      or_none(string_at(status, "nominatedNodeName")),
      readiness_gates(spec, status),
  };
}

}  // namespace kscratch::apiserver::tables
