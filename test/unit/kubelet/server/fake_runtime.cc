#include "fake_runtime.h"

namespace kscratch::kubelet::testing {

boost::asio::awaitable<Expected<containers::ContainerStatus>> FakeRuntime::start(const containers::ContainerSpec&) {
  co_return Error{"the fake runtime starts nothing"};
}

boost::asio::awaitable<Status> FakeRuntime::stop(const std::string&, std::chrono::seconds) { co_return Ok{}; }

boost::asio::awaitable<Status> FakeRuntime::remove(const std::string&) { co_return Ok{}; }

std::vector<containers::ContainerStatus> FakeRuntime::list() const { return {}; }

std::optional<containers::ContainerStatus> FakeRuntime::status(const std::string& id) const {
  containers::ContainerStatus s;
  s.id = id;
  s.state = running ? containers::State::running : containers::State::exited;
  return s;
}

boost::asio::awaitable<containers::ExecResult> FakeRuntime::exec(const std::string&, const std::vector<std::string>&,
                                                                 std::chrono::milliseconds) {
  co_return containers::ExecResult{};
}

std::vector<std::string> FakeRuntime::exec_command_line(const std::string&, const std::vector<std::string>& command,
                                                        bool tty, const std::string& console_socket) const {
  if (!tty) return command;
  std::vector<std::string> argv{"python3", console_helper_, console_socket};
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

Status FakeRuntime::remove_pod_cgroup(const std::string&) { return Ok{}; }

void FakeDirectory::add(const std::string& ns, const std::string& pod, const std::string& container, bool previous,
                        ContainerLocation location) {
  std::lock_guard lock(mutex_);
  entries_[{ns, pod, container, previous}] = std::move(location);
}

std::optional<ContainerLocation> FakeDirectory::find(const std::string& ns, const std::string& pod,
                                                     const std::string& container, bool previous) const {
  std::lock_guard lock(mutex_);
  for (auto& [key, location] : entries_) {
    auto& [n, p, c, prev] = key;
    if (n == ns && p == pod && (container.empty() || c == container) && prev == previous) return location;
  }
  return std::nullopt;
}

}  // namespace kscratch::kubelet::testing
