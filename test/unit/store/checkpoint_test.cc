// The WAL under a writer that never pauses: checkpoints run beside the writer, and the
// WAL still starts over, so it stays bounded (SQLite alone would let it grow to the size
// of everything written).

#include "store_fixture.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace kscratch;

TEST_CASE("a writer that never pauses keeps the WAL bounded", "[store][checkpoint]") {
  testing::StoreFixture f;
  // 100 writers in flight keep the queue full, so every batch follows the last at once.
  constexpr int kClients = 100, kWrites = 120;
  const std::string value(1500, 'v');
  std::uint64_t max_wal = 0;
  int failures = 0, finished = 0;
  for (int c = 0; c < kClients; ++c) {
    boost::asio::co_spawn(
        f.io,
        [&, c]() -> boost::asio::awaitable<void> {
          for (int i = 0; i < kWrites; ++i) {
            auto r = co_await f.db->create("/w/" + std::to_string(c) + "/" + std::to_string(i), value);
            if (!r) ++failures;
            max_wal = std::max<std::uint64_t>(max_wal, f.db->stats().wal_bytes);
          }
          ++finished;
        },
        boost::asio::detached);
  }
  f.io.restart();
  while (finished < kClients) f.io.run_one();
  CHECK(failures == 0);
  // 12,000 writes of 1.5 KB are ~20 MB of WAL frames. The WAL starts over once it passes
  // 1,000 frames (~4 MiB), so it never holds much more than that plus a batch.
  INFO("largest WAL seen: " << max_wal / 1024 << " KiB");
  CHECK(max_wal < 12 * 1024 * 1024);
  // Every write is there.
  auto all = f.list("/w/");
  REQUIRE(all);
  CHECK(all->items.size() == kClients * kWrites);
}
