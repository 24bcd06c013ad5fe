#include "kscratch/runtime/supervisor.h"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using kscratch::runtime::Supervisor;

namespace {
asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}
}  // namespace

TEST_CASE("tasks run to completion and the process exits 0", "[supervisor]") {
  asio::io_context io;
  Supervisor s(io, 1s);
  int ran = 0;
  s.add("a", [&]() -> asio::awaitable<void> { co_await sleep_for(1ms); ++ran; });
  s.add("b", [&]() -> asio::awaitable<void> { ++ran; co_return; });
  CHECK(s.run() == 0);
  CHECK(ran == 2);
}

TEST_CASE("a failing task stops the others and the exit code is 1", "[supervisor]") {
  asio::io_context io;
  Supervisor s(io, 1s);
  bool forever_cancelled = false;
  s.add("forever", [&]() -> asio::awaitable<void> {
    try {
      co_await sleep_for(1h);
    } catch (const boost::system::system_error&) {
      forever_cancelled = true;
      throw;
    }
  });
  s.add("broken", []() -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    throw std::runtime_error("boom");
  });
  CHECK(s.run() == 1);
  CHECK(forever_cancelled);
  CHECK(s.stopping());
}

TEST_CASE("stop cancels every task and exits 0", "[supervisor]") {
  asio::io_context io;
  Supervisor s(io, 1s);
  s.add("forever", []() -> asio::awaitable<void> { co_await sleep_for(1h); });
  s.add("stopper", [&]() -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    s.stop("test asked");
  });
  CHECK(s.run() == 0);
}

TEST_CASE("a task that ignores cancellation is cut off at the deadline", "[supervisor]") {
  asio::io_context io;
  Supervisor s(io, 50ms);
  s.add("stubborn", []() -> asio::awaitable<void> {
    for (;;) {
      try {
        co_await sleep_for(1h);
      } catch (const boost::system::system_error&) {
        // Ignores the stop and waits again.
      }
      co_await asio::this_coro::reset_cancellation_state();
    }
  });
  s.add("stopper", [&]() -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    s.stop("test asked");
  });
  auto t0 = std::chrono::steady_clock::now();
  CHECK(s.run() == 1);
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
}
