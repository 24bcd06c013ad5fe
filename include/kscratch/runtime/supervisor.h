#pragma once
// The process skeleton: every component of a kscratch process (store maintenance,
// apiserver, controllers, kubelet, proxy, ...) is an `awaitable<void>` task on one
// io_context. The Supervisor starts them, stops them all on SIGINT/SIGTERM or when one
// fails, and bounds the stop with a deadline so a stuck task cannot hold the process.
//
// Threading: everything here runs on the io_context's single thread.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kscratch::runtime {

using Task = std::function<boost::asio::awaitable<void>()>;

class Supervisor {
 public:
  Supervisor(boost::asio::io_context& io, std::chrono::milliseconds stop_deadline);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Registers a component task; tasks added before run() start when it is called,
  // tasks added later start at once.
  void add(std::string name, Task task);

  // Handles SIGINT/SIGTERM, runs the io_context until every task has ended (or the
  // stop deadline passed) and returns the process exit code: 0 for a requested stop,
  // 1 when a task failed or the deadline forced the stop.
  int run();

  // Cancels every task (terminal cancellation) and starts the stop deadline.
  void stop(const std::string& reason);

  bool stopping() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace kscratch::runtime
