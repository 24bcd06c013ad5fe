// run_concurrently (src/controllers/workloads/parallel.*): the batch runner the ReplicaSet
// controller creates and deletes pods with. Its calls refer to the caller's frame, so it
// must not return, even cancelled, before every call has ended.

#include "controllers/workloads/parallel.h"

#include <catch2/catch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using kscratch::controllers::run_concurrently;

namespace {
// A call that waits `ms` and records that it ended (and whether it was cancelled).
std::function<asio::awaitable<bool>()> waiting_call(std::vector<std::string>& log, int ms) {
  return [&log, ms]() -> asio::awaitable<bool> {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    try {
      co_await t.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      log.push_back("call cancelled");
      throw;
    }
    log.push_back("call done");
    co_return ms % 2 == 0;
  };
}
}  // namespace

TEST_CASE("run_concurrently counts the calls that failed", "[controllers][parallel]") {
  asio::io_context io;
  std::vector<std::string> log;
  int failed = -1;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    std::vector<std::function<asio::awaitable<bool>()>> calls{waiting_call(log, 2), waiting_call(log, 3), waiting_call(log, 5)};
    failed = co_await run_concurrently(io.get_executor(), std::move(calls));
  }, asio::detached);
  io.run();
  CHECK(failed == 2);
  CHECK(log.size() == 3);
}

TEST_CASE("cancelled, run_concurrently cancels its calls and waits for them before it throws", "[controllers][parallel]") {
  asio::io_context io;
  std::vector<std::string> log;
  asio::cancellation_signal cancel;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    std::vector<std::function<asio::awaitable<bool>()>> calls{waiting_call(log, 10000), waiting_call(log, 10000)};
    try {
      co_await run_concurrently(io.get_executor(), std::move(calls));
      log.push_back("returned");
    } catch (const boost::system::system_error&) {
      log.push_back("threw");
    }
  }, asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  asio::steady_timer later(io, std::chrono::milliseconds(20));
  later.async_wait([&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
  auto started = std::chrono::steady_clock::now();
  io.run();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));  // the calls were cancelled, not awaited out
  CHECK(log == std::vector<std::string>{"call cancelled", "call cancelled", "threw"});
}
