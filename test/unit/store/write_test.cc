#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <set>

using namespace kscratch;
using store::Errc;

TEST_CASE("create assigns consecutive revisions and rejects duplicates", "[store]") {
  testing::StoreFixture f;
  auto a = f.create("/a", "1");
  REQUIRE(a);
  CHECK(a->revision == 1);
  CHECK(a->create_revision == 1);
  CHECK_FALSE(a->prev_value);
  auto b = f.create("/b", "2");
  REQUIRE(b);
  CHECK(b->revision == 2);

  auto dup = f.create("/a", "again");
  REQUIRE_FALSE(dup);
  CHECK(dup.error() == Errc::already_exists);
  // A failed write consumes no revision.
  CHECK(f.create("/c", "3")->revision == 3);
  CHECK(f.db->revision() == 3);
}

TEST_CASE("update compares and swaps on the mod revision", "[store]") {
  testing::StoreFixture f;
  auto c = f.create("/k", "v1");
  auto u = f.update("/k", "v2", c->revision);
  REQUIRE(u);
  CHECK(u->revision == 2);
  CHECK(u->create_revision == 1);
  CHECK(u->prev_value == "v1");

  auto stale = f.update("/k", "v3", c->revision);
  REQUIRE_FALSE(stale);
  CHECK(stale.error() == Errc::conflict);
  CHECK(f.get("/k")->value == "v2");

  // Zero means unconditional.
  CHECK(f.update("/k", "v3", 0)->revision == 3);
  CHECK(f.update("/missing", "x", 0).error() == Errc::not_found);
}

TEST_CASE("remove deletes with an optional precondition", "[store]") {
  testing::StoreFixture f;
  f.create("/k", "v");
  CHECK(f.remove("/k", 99).error() == Errc::conflict);
  auto r = f.remove("/k", 1);
  REQUIRE(r);
  CHECK(r->revision == 2);
  CHECK(r->prev_value == "v");
  CHECK(f.get("/k").error() == Errc::not_found);
  CHECK(f.remove("/k", 0).error() == Errc::not_found);
  // A key can be created again after removal, with a new create revision.
  auto again = f.create("/k", "w");
  CHECK(again->create_revision == 3);
}

TEST_CASE("keys must be non-empty and values bounded", "[store]") {
  store::StoreOptions o;
  o.max_value_bytes = 1024;
  testing::StoreFixture f(o);
  CHECK(f.create("", "v").error() == Errc::invalid_key);
  CHECK(f.get("").error() == Errc::invalid_key);
  CHECK(f.create("/big", std::string(1025, 'x')).error() == Errc::value_too_large);
  CHECK(f.create("/fits", std::string(1024, 'x')));
}

TEST_CASE("keys and values of any bytes and sizes up to 1.5 MiB round-trip", "[store]") {
  testing::StoreFixture f;
  std::string key("\x00\x01/\xff\xfe key", 10);
  std::string value;
  for (int i = 0; i < 1536 * 1024; ++i) value.push_back(static_cast<char>(i * 7 % 256));
  REQUIRE(f.create(key, value));
  REQUIRE(f.create(std::string("\xff\xff", 2), ""));
  auto got = f.get(key);
  REQUIRE(got);
  CHECK(got->key == key);
  CHECK(got->value == value);
  CHECK(f.get(std::string("\xff\xff", 2))->value.empty());
  auto all = f.list("");
  REQUIRE(all->items.size() == 2);
  CHECK(all->items[0].key == key);  // bytes order, as etcd
}

TEST_CASE("concurrent writers get unique, gap-free revisions", "[store]") {
  testing::StoreFixture f;
  constexpr int kClients = 50, kWrites = 20;
  std::set<store::Revision> revisions;
  int failures = 0, finished = 0;
  for (int c = 0; c < kClients; ++c) {
    boost::asio::co_spawn(
        f.io,
        [&, c]() -> boost::asio::awaitable<void> {
          auto key = "/c/" + std::to_string(c);
          auto r = co_await f.db->create(key, "0");
          if (!r) ++failures;
          store::Revision last = r ? r->revision : 0;
          for (int i = 1; i < kWrites && r; ++i) {
            revisions.insert(last);
            r = co_await f.db->update(key, std::to_string(i), last);
            if (!r) ++failures;
            else last = r->revision;
          }
          revisions.insert(last);
          ++finished;
        },
        boost::asio::detached);
  }
  f.io.restart();
  while (finished < kClients) f.io.run_one();
  CHECK(failures == 0);
  REQUIRE(revisions.size() == kClients * kWrites);
  CHECK(*revisions.begin() == 1);
  CHECK(*revisions.rbegin() == kClients * kWrites);
  auto stats = f.db->stats();
  CHECK(stats.writes == kClients * kWrites);
  // Group commit: concurrent writes shared transactions.
  CHECK(stats.commits < stats.writes);
}

// The WAL append VFS (wal_append_vfs.cc) keeps a transaction's WAL frames in memory until
// SQLite syncs the WAL, writing at most 4 MiB at once in pieces of 128 KiB: a batch of
// 1.4 MiB values passes both limits, and everything must read back the same, also from a
// fresh process's view of the files (reopen).
TEST_CASE("a group commit larger than the WAL buffer is written whole", "[store]") {
  testing::StoreFixture f;
  constexpr int kWriters = 5;
  std::string value;
  for (int i = 0; i < 1400 * 1024; ++i) value.push_back(static_cast<char>(i * 13 % 251));
  int finished = 0, failures = 0;
  for (int c = 0; c < kWriters; ++c) {
    boost::asio::co_spawn(
        f.io,
        [&, c]() -> boost::asio::awaitable<void> {
          auto key = "/big/" + std::to_string(c);
          std::string v = value + std::to_string(c);
          auto r = co_await f.db->create(key, std::move(v));
          if (!r) ++failures;
          ++finished;
        },
        boost::asio::detached);
  }
  f.io.restart();
  while (finished < kWriters) f.io.run_one();
  REQUIRE(failures == 0);
  // Concurrent creates shared a transaction of over 4 MiB.
  CHECK(f.db->stats().commits < kWriters);
  for (int round = 0; round < 2; ++round) {
    for (int c = 0; c < kWriters; ++c) {
      auto got = f.get("/big/" + std::to_string(c));
      REQUIRE(got);
      CHECK(got->value == value + std::to_string(c));
    }
    f.reopen();
  }
}
