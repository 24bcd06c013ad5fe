#pragma once
// The container runtime of the kubelet (CRI-O's role, in small): an OCI bundle per
// container, run by runc under a small per-container monitor process (`kscratch monitor`,
// like conmon) that outlives the kubelet, keeps the container's output flowing into a log
// file in the CRI format, and records its exit. Containers are the kubelet's truth after
// a restart: everything needed to re-adopt them is on disk.

#include "kscratch/util/expected.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::containers {

struct Mount {
  std::string destination;
  std::string source;
  std::string type = "bind";
  std::vector<std::string> options;  // e.g. {"rbind", "ro"}
};

// Limits in the units of the cgroup files; empty means unlimited.
struct Resources {
  std::optional<std::int64_t> memory_limit_bytes;
  std::optional<std::int64_t> cpu_quota_us;
  std::optional<std::uint64_t> cpu_period_us;
  std::optional<std::uint64_t> cpu_shares;
  std::optional<std::int64_t> pids_limit;
};

struct Security {
  std::optional<std::int64_t> run_as_user;   // overrides the image user
  std::optional<std::int64_t> run_as_group;
  std::vector<std::int64_t> supplemental_groups;
  bool privileged = false;
  std::vector<std::string> capabilities_add;   // "NET_ADMIN" (no CAP_ prefix), or "ALL"
  std::vector<std::string> capabilities_drop;
  bool read_only_root = false;
  bool no_new_privileges = false;  // allowPrivilegeEscalation: false
};

// Everything a container is made of, already resolved by the kubelet.
struct ContainerSpec {
  std::string id;  // unique on the node; the runc container id
  std::string pod_uid, pod_namespace, pod_name, container_name;
  int attempt = 0;  // restart count when created
  std::vector<std::filesystem::path> image_layers;  // lowest first
  std::string image_user;                           // the image config's user, resolved in the rootfs
  std::vector<std::string> args;                    // argv, already command/args vs entrypoint/cmd
  std::vector<std::string> env;                     // "K=V"
  std::string working_dir;
  std::string hostname;
  std::optional<std::filesystem::path> netns;  // empty: the host's network
  std::vector<Mount> mounts;
  Resources resources;
  Security security;
  std::string cgroup_parent;  // absolute cgroup path of the pod, e.g. /kscratch-ab12cd/pod<uid>
  std::filesystem::path log_path;  // /var/log/pods/<ns>_<pod>_<uid>/<container>/<attempt>.log
  bool stdin_open = false;
  bool tty = false;
  std::map<std::string, std::string> labels;  // kept with the container, for re-adoption
};

enum class State { created, running, exited, unknown };

struct ContainerStatus {
  std::string id;
  State state = State::unknown;
  int exit_code = 0;
  std::string reason;  // when exited: "Completed", "Error", "OOMKilled"
  std::string message;
  std::chrono::system_clock::time_point created_at, started_at, finished_at;
  int pid = 0;
  std::map<std::string, std::string> labels;
  std::filesystem::path log_path;
};

struct ExecResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, capped
  bool timed_out = false;
};

struct RuntimeOptions {
  std::filesystem::path state_dir;  // bundles, monitor state, overlay dirs, e.g. <data-dir>/agent/containers
  std::filesystem::path runc_root;  // runc --root, e.g. /run/kscratch-<hash>/runc
  std::filesystem::path self_exe;   // the kscratch binary, run as `kscratch monitor ...`
  std::string runc = "runc";
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Mounts the overlay root, writes the bundle, starts the monitor, which creates and starts
  // the container; returns once it runs (or failed to start: CreateContainerError).
  virtual boost::asio::awaitable<Expected<ContainerStatus>> start(const ContainerSpec& spec) = 0;
  // SIGTERM, then SIGKILL once grace has passed; returns when the container has exited.
  virtual boost::asio::awaitable<Status> stop(const std::string& id, std::chrono::seconds grace) = 0;
  // Deletes the runc container, unmounts its root and removes its bundle; keeps the log.
  virtual boost::asio::awaitable<Status> remove(const std::string& id) = 0;
  // Every container on disk, running or exited (monitor state re-read: cheap).
  virtual std::vector<ContainerStatus> list() const = 0;
  virtual std::optional<ContainerStatus> status(const std::string& id) const = 0;
  // Runs a command in the container (exec probes, hooks), output captured.
  virtual boost::asio::awaitable<ExecResult> exec(const std::string& id, const std::vector<std::string>& command,
                                                  std::chrono::milliseconds timeout) = 0;
  // The command line that runs `command` in the container interactively (kubectl exec):
  // runc exec with the runtime's root; tty needs a console socket the caller provides.
  virtual std::vector<std::string> exec_command_line(const std::string& id, const std::vector<std::string>& command,
                                                     bool tty, const std::string& console_socket) const = 0;
  // Removes a pod's cgroup parent once its containers are gone.
  virtual Status remove_pod_cgroup(const std::string& cgroup_parent) = 0;
};

std::unique_ptr<Runtime> make_runc_runtime(boost::asio::any_io_executor executor, RuntimeOptions options);

// `kscratch monitor ...`: the per-container monitor process (see src/containers/monitor).
int run_monitor(const std::vector<std::string>& args);

}  // namespace kscratch::containers
