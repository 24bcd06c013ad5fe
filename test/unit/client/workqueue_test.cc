// The work queue's guarantees: de-duplication, one worker per key, re-queue of keys added
// while processing, and per-key backoff.

#include "kscratch/client/workqueue.h"

#include "run_coro.h"

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

using namespace kscratch;
using namespace kscratch::client;
namespace asio = boost::asio;

TEST_CASE("keys waiting are de-duplicated and handed out in order", "[client][workqueue]") {
  asio::io_context io;
  WorkQueue q(io.get_executor());
  q.add("a");
  q.add("b");
  q.add("a");
  CHECK(q.length() == 2);
  CHECK(testing::run_coro(io, q.get()) == "a");
  CHECK(testing::run_coro(io, q.get()) == "b");
  CHECK(q.length() == 0);
}

TEST_CASE("a key added while processing comes back once done", "[client][workqueue]") {
  asio::io_context io;
  WorkQueue q(io.get_executor());
  q.add("a");
  auto key = testing::run_coro(io, q.get());
  REQUIRE(key == "a");
  q.add("a");
  q.add("a");
  CHECK(q.length() == 0);  // not handed to a second worker while the first has it
  q.done("a");
  CHECK(q.length() == 1);
  CHECK(testing::run_coro(io, q.get()) == "a");
  q.done("a");
  CHECK(q.length() == 0);
}

TEST_CASE("rate-limited keys back off exponentially until forgotten", "[client][workqueue]") {
  asio::io_context io;
  WorkQueue q(io.get_executor(), RateLimit{std::chrono::milliseconds(20), std::chrono::milliseconds(1000)});
  q.add_rate_limited("a");
  q.add_rate_limited("a");
  CHECK(q.requeues("a") == 2);
  CHECK(q.length() == 0);
  auto start = std::chrono::steady_clock::now();
  CHECK(testing::run_coro(io, q.get()) == "a");
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(15));
  q.forget("a");
  CHECK(q.requeues("a") == 0);
}

TEST_CASE("shutting down wakes waiting workers with nothing", "[client][workqueue]") {
  asio::io_context io;
  WorkQueue q(io.get_executor());
  std::optional<std::optional<std::string>> got;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { got = co_await q.get(); }, asio::detached);
  io.poll();
  CHECK_FALSE(got);
  q.shut_down();
  io.poll();
  REQUIRE(got);
  CHECK_FALSE(*got);
}

TEST_CASE("run_workers retries failures and forgets successes", "[client][workqueue]") {
  asio::io_context io;
  WorkQueue q(io.get_executor(), RateLimit{std::chrono::milliseconds(1), std::chrono::milliseconds(10)});
  int calls = 0;
  q.add("k");
  bool stopped = false;
  asio::co_spawn(
      io,
      run_workers(q, 2,
                  [&](const std::string&) -> asio::awaitable<bool> {
                    ++calls;
                    if (calls == 3) q.shut_down();
                    co_return calls >= 3;
                  }),
      [&](std::exception_ptr) { stopped = true; });
  io.run_for(std::chrono::seconds(2));
  CHECK(calls == 3);
  CHECK(stopped);
  CHECK(q.requeues("k") == 0);
}
