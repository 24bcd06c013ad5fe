#pragma once
// Tasks that come and go while a component runs (a kubelet's pod workers and probes):
// spawned at any time, each ends on its own, and when the group's run() is cancelled every
// task still running is cancelled and waited for, so none outlives what it refers to
// (Seastar's gate, for coroutines on one io_context).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <list>
#include <string>

namespace kscratch::runtime {

class TaskGroup {
 public:
  explicit TaskGroup(boost::asio::any_io_executor executor);
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Starts task; a failure is logged under name and ends only that task.
  void spawn(boost::asio::awaitable<void> task, std::string name);
  // Waits until cancelled, then cancels every task and waits for all to end.
  boost::asio::awaitable<void> run();
  std::size_t size() const { return tasks_.size(); }

 private:
  boost::asio::any_io_executor executor_;
  std::list<boost::asio::cancellation_signal> tasks_;
  boost::asio::steady_timer idle_;
  bool stopping_ = false;
};

}  // namespace kscratch::runtime
