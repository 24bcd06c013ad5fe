#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <thread>

using namespace kscratch;
using store::Errc;

TEST_CASE("compaction drops superseded history but keeps what later reads need", "[store][compaction]") {
  testing::StoreFixture f;
  f.create("/a", "1");   // 1
  f.update("/a", "2");   // 2
  f.create("/b", "1");   // 3
  f.remove("/b");        // 4
  f.update("/a", "3");   // 5
  f.create("/c", "1");   // 6

  auto c = testing::run_coro(f.io, f.db->compact(4));
  REQUIRE(c);
  CHECK(*c == 4);
  CHECK(f.get("/a", 3).error() == Errc::compacted);
  CHECK(f.get("/a", 4)->value == "2");  // the latest row at or before 4 stays
  CHECK(f.get("/b", 4).error() == Errc::not_found);
  CHECK(f.get("/a")->value == "3");
  store::ListOptions o;
  o.revision = 4;
  auto l = f.list("/", o);
  REQUIRE(l->items.size() == 1);
  CHECK(l->items[0].value == "2");
  o.revision = 3;
  CHECK(f.list("/", o).error() == Errc::compacted);
  CHECK(testing::run_coro(f.io, f.db->compact(4)).error() == Errc::compacted);
  CHECK(testing::run_coro(f.io, f.db->compact(99)).error() == Errc::future_revision);
  // The watch prev value of the next update of /a is still known.
  auto w = f.db->watch("/a", 4);
  f.update("/a", "4");
  auto events = f.next(*w);
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  CHECK((*events)[0]->prev_value == "2");
}

TEST_CASE("revisions never repeat after compaction removed the newest rows and a reopen", "[store][compaction]") {
  testing::StoreFixture f;
  f.create("/a", "1");
  f.remove("/a");  // 2: a tombstone, deleted by compaction
  REQUIRE(testing::run_coro(f.io, f.db->compact(2)));
  f.reopen();
  CHECK(f.db->revision() == 2);
  CHECK(f.create("/b", "1")->revision == 3);
}

TEST_CASE("automatic compaction keeps the configured number of revisions", "[store][compaction]") {
  store::StoreOptions o;
  o.keep_revisions = 10;
  o.keep_window = std::chrono::seconds(0);
  o.compact_interval = std::chrono::seconds(1);
  testing::StoreFixture f(o);
  f.create("/k", "0");
  for (int i = 1; i < 100; ++i) f.update("/k", std::to_string(i));
  bool done = false;
  boost::asio::co_spawn(f.io, f.db->run_maintenance(), [&](std::exception_ptr) { done = true; });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  f.io.restart();
  while (f.db->stats().compacted == 0 && std::chrono::steady_clock::now() < deadline) {
    f.io.run_for(std::chrono::milliseconds(50));
  }
  CHECK(f.db->stats().compacted == 90);
  CHECK(f.get("/k", 89).error() == Errc::compacted);
  CHECK(f.get("/k", 90)->value == "89");
  f.db->close();
  f.io.run_for(std::chrono::milliseconds(1100));
}

TEST_CASE("steady churn with compaction keeps the database and WAL bounded", "[store][compaction]") {
  testing::StoreFixture f;
  std::string value(4096, 'v');
  // 20 rounds write 40 MB in all over 50 live keys (200 KB of live data).
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 500; ++i) {
      auto key = "/churn/" + std::to_string(i % 50);
      if (!f.update(key, value)) REQUIRE(f.create(key, value));
    }
    REQUIRE(testing::run_coro(f.io, f.db->compact(f.db->revision() - 10)));
    auto s = f.db->stats();
    CHECK(s.db_bytes + s.wal_bytes < 12 * 1024 * 1024);
  }
  // After the vacuum and checkpoint steps that follow compaction, the WAL is truncated
  // and the freed pages are returned.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (f.db->stats().wal_bytes != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto s = f.db->stats();
  CHECK(s.wal_bytes == 0);
  CHECK(s.db_bytes < 2 * 1024 * 1024);
}
