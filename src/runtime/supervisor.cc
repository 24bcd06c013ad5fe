#include "kscratch/runtime/supervisor.h"
#include "kscratch/runtime/together.h"

#include "kscratch/util/log.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <list>
#include <optional>

namespace kscratch::runtime {

namespace asio = boost::asio;

namespace {
constexpr std::string_view kLog = "supervisor";

std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

struct Supervisor::State {
  struct Entry {
    std::string name;
    Task task;
    asio::cancellation_signal cancel;
    bool running = false;
  };

  asio::io_context& io;
  std::chrono::milliseconds deadline;
  std::list<Entry> entries;  // std::list: cancellation signals must not move
  std::size_t running = 0;
  bool started = false;
  bool stopping = false;
  bool failed = false;
  std::optional<asio::steady_timer> deadline_timer;
  std::optional<asio::signal_set> signals;

  State(asio::io_context& i, std::chrono::milliseconds d) : io(i), deadline(d) {}

  void start(Entry& e, const std::shared_ptr<State>& self) {
    e.running = true;
    ++running;
    log::debug(kLog, "starting {}", e.name);
    asio::co_spawn(io, e.task(),
                   asio::bind_cancellation_slot(
                       e.cancel.slot(), [self, &e](std::exception_ptr ex) { self->finished(e, ex); }));
  }

  void finished(Entry& e, std::exception_ptr ex) {
    e.running = false;
    --running;
    if (ex && !(stopping && is_cancellation(ex))) {
      log::error(kLog, "component {} failed: {}", e.name, describe(ex));
      failed = true;
      request_stop(fmt::format("component {} failed", e.name));
    } else {
      log::debug(kLog, "{} stopped", e.name);
    }
    if (running == 0) finish();
  }

  void request_stop(const std::string& reason) {
    if (stopping) return;
    stopping = true;
    log::info(kLog, "stopping: {}", reason);
    for (auto& e : entries) {
      if (e.running) e.cancel.emit(asio::cancellation_type::terminal);
    }
    if (running == 0) {
      finish();
      return;
    }
    deadline_timer.emplace(io, deadline);
    deadline_timer->async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      for (auto& e : entries) {
        if (e.running) log::error(kLog, "component {} did not stop within {} ms", e.name, deadline.count());
      }
      failed = true;
      io.stop();
    });
  }

  // Every task has ended: the process is done. Work they left behind (a timer for a
  // retry, a stream nobody reads any more) must not keep it alive, so the loop stops
  // here rather than waiting for the io_context to run dry.
  void finish() {
    if (deadline_timer) deadline_timer->cancel();
    if (signals) signals->cancel();
    io.stop();
  }
};

Supervisor::Supervisor(asio::io_context& io, std::chrono::milliseconds stop_deadline)
    : state_(std::make_shared<State>(io, stop_deadline)) {}

Supervisor::~Supervisor() = default;

void Supervisor::add(std::string name, Task task) {
  auto& e = state_->entries.emplace_back();
  e.name = std::move(name);
  e.task = std::move(task);
  if (state_->started && !state_->stopping) state_->start(e, state_);
}

int Supervisor::run() {
  auto& s = *state_;
  s.signals.emplace(s.io, SIGINT, SIGTERM);
  s.signals->async_wait([st = state_](boost::system::error_code ec, int signo) {
    if (!ec) st->request_stop(fmt::format("received signal {}", signo == SIGINT ? "SIGINT" : "SIGTERM"));
  });
  s.started = true;
  for (auto& e : s.entries) s.start(e, state_);
  if (s.running == 0) s.finish();
  s.io.run();
  return s.failed ? 1 : 0;
}

void Supervisor::stop(const std::string& reason) { state_->request_stop(reason); }

bool Supervisor::stopping() const { return state_->stopping; }

}  // namespace kscratch::runtime
