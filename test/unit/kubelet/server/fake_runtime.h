#pragma once
// Test doubles for the kubelet server: a Runtime whose exec runs commands on the host
// (and, with a tty, through fake_console.py in runc's place), and a ContainerDirectory
// filled by the test. Shared by the unit tests and the e2e driver.

#include "kubelet/server/server.h"

#include <atomic>
#include <map>
#include <mutex>
#include <tuple>

namespace kscratch::kubelet::testing {

class FakeRuntime : public containers::Runtime {
 public:
  explicit FakeRuntime(std::string console_helper) : console_helper_(std::move(console_helper)) {}

  // Every container reports this state (the server asks while following a log).
  std::atomic<bool> running{true};

  boost::asio::awaitable<Expected<containers::ContainerStatus>> start(const containers::ContainerSpec& spec) override;
  boost::asio::awaitable<Status> stop(const std::string& id, std::chrono::seconds grace) override;
  boost::asio::awaitable<Status> remove(const std::string& id) override;
  std::vector<containers::ContainerStatus> list() const override;
  std::optional<containers::ContainerStatus> status(const std::string& id) const override;
  boost::asio::awaitable<containers::ExecResult> exec(const std::string& id, const std::vector<std::string>& command,
                                                      std::chrono::milliseconds timeout) override;
  std::vector<std::string> exec_command_line(const std::string& id, const std::vector<std::string>& command, bool tty,
                                             const std::string& console_socket) const override;
  Status remove_pod_cgroup(const std::string& cgroup_parent) override;

 private:
  std::string console_helper_;
};

class FakeDirectory : public ContainerDirectory {
 public:
  void add(const std::string& ns, const std::string& pod, const std::string& container, bool previous,
           ContainerLocation location);
  std::optional<ContainerLocation> find(const std::string& ns, const std::string& pod, const std::string& container,
                                        bool previous) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string, bool>, ContainerLocation> entries_;
};

}  // namespace kscratch::kubelet::testing
