#pragma once
// What a container leaves on disk, the truth after a kubelet restart:
//   <state_dir>/<id>/container.json  written by the runtime at creation (spec facts, labels)
//   <state_dir>/<id>/state.json      written by the monitor at each step (pid, exit, reason)
// Both are replaced by rename, so a reader never sees half a file.

#include "kscratch/containers/runtime.h"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace kscratch::containers {

struct ContainerRecord {
  std::string id;
  std::map<std::string, std::string> labels;
  std::filesystem::path log_path;
  std::string cgroups_path;  // the absolute cgroup of the container
  std::chrono::system_clock::time_point created_at;
};

struct MonitorState {
  std::string phase;  // "creating", "running", "exited", "failed"
  pid_t monitor_pid = 0;
  std::uint64_t monitor_start_ticks = 0;  // /proc/<pid>/stat starttime, against pid reuse
  pid_t pid = 0;                          // the container's init
  std::chrono::system_clock::time_point started_at, finished_at;
  int exit_code = 0;
  std::string reason;
  std::string message;
};

Status write_file_atomically(const std::filesystem::path& path, const std::string& content);

Status write_record(const std::filesystem::path& path, const ContainerRecord& record);
std::optional<ContainerRecord> read_record(const std::filesystem::path& path);

Status write_monitor_state(const std::filesystem::path& path, const MonitorState& state);
std::optional<MonitorState> read_monitor_state(const std::filesystem::path& path);

// The start time of a process in clock ticks since boot (0: no such process, or a zombie).
std::uint64_t process_start_ticks(pid_t pid);

}  // namespace kscratch::containers
