#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

using namespace kscratch;
using store::Errc;
using Type = store::Event::Type;

namespace {
// Drains events from a watch until it has seen `revision`.
std::vector<store::EventPtr> drain(testing::StoreFixture& f, store::Watch& w, store::Revision revision) {
  std::vector<store::EventPtr> all;
  while (all.empty() || all.back()->mod_revision < revision) {
    auto batch = f.next(w);
    REQUIRE(batch);
    all.insert(all.end(), batch->begin(), batch->end());
  }
  return all;
}
}  // namespace

TEST_CASE("watch delivers puts and removes with previous values, in order", "[store][watch]") {
  testing::StoreFixture f;
  auto w = f.db->watch("/k", 0);
  f.create("/k", "v1");
  f.update("/k", "v2");
  f.create("/other", "x");
  f.remove("/k");
  auto events = drain(f, *w, 4);
  REQUIRE(events.size() == 3);
  CHECK(events[0]->type == Type::put);
  CHECK(events[0]->value == "v1");
  CHECK_FALSE(events[0]->prev_value);
  CHECK(events[0]->create_revision == 1);
  CHECK(events[1]->prev_value == "v1");
  CHECK(events[1]->mod_revision == 2);
  CHECK(events[2]->type == Type::remove);
  CHECK(events[2]->prev_value == "v2");
  CHECK(events[2]->mod_revision == 4);
  CHECK(w->progress() == 4);
}

TEST_CASE("watch resumes from a past revision", "[store][watch]") {
  testing::StoreFixture f;
  for (int i = 1; i <= 5; ++i) f.create("/k/" + std::to_string(i), "v");
  auto w = f.db->watch("/k/", 2);
  auto events = drain(f, *w, 5);
  REQUIRE(events.size() == 3);
  CHECK(events[0]->mod_revision == 3);
  CHECK(events[2]->mod_revision == 5);
}

TEST_CASE("a watcher that left the memory window catches up from the database", "[store][watch]") {
  store::StoreOptions o;
  o.watch_cache_events = 10;
  testing::StoreFixture f(o);
  auto w = f.db->watch("/k/", 0);
  for (int i = 1; i <= 2500; ++i) f.update("/k/a", std::to_string(i)).has_value() || f.create("/k/a", "1");
  auto events = drain(f, *w, 2500);
  REQUIRE(events.size() == 2500);
  for (std::size_t i = 0; i < events.size(); ++i) {
    REQUIRE(events[i]->mod_revision == static_cast<store::Revision>(i + 1));
  }
  CHECK(events[1]->prev_value == events[0]->value);
  // A fresh watch from an old revision is served from the database too.
  auto w2 = f.db->watch("/k/", 100);
  auto replay = drain(f, *w2, 2500);
  CHECK(replay.size() == 2400);
}

TEST_CASE("many watchers see every change under concurrent writers", "[store][watch]") {
  testing::StoreFixture f;
  constexpr int kWatchers = 20, kWriters = 10, kWrites = 30;
  std::vector<std::unique_ptr<store::Watch>> watches;
  for (int i = 0; i < kWatchers; ++i) watches.push_back(f.db->watch(i % 2 ? "/w/" : "/", 0));
  int finished = 0;
  for (int c = 0; c < kWriters; ++c) {
    boost::asio::co_spawn(
        f.io,
        [&, c]() -> boost::asio::awaitable<void> {
          auto key = "/w/" + std::to_string(c);
          co_await f.db->create(key, "0");
          for (int i = 1; i < kWrites; ++i) co_await f.db->update(key, std::to_string(i), 0);
          ++finished;
        },
        boost::asio::detached);
  }
  f.io.restart();
  while (finished < kWriters) f.io.run_one();
  for (auto& w : watches) {
    auto events = drain(f, *w, kWriters * kWrites);
    REQUIRE(events.size() == kWriters * kWrites);
    for (std::size_t i = 0; i < events.size(); ++i) {
      REQUIRE(events[i]->mod_revision == static_cast<store::Revision>(i + 1));
    }
  }
}

TEST_CASE("watch from a compacted revision fails compacted", "[store][watch]") {
  testing::StoreFixture f;
  for (int i = 0; i < 5; ++i) f.create("/k/" + std::to_string(i), "v");
  REQUIRE(testing::run_coro(f.io, f.db->compact(4)));
  auto w = f.db->watch("/k/", 2);
  CHECK(f.next(*w).error() == Errc::compacted);
  auto ok = f.db->watch("/k/", 4);
  auto events = drain(f, *ok, 5);
  CHECK(events.size() == 1);
}

TEST_CASE("a pending watch ends with closed when the store closes", "[store][watch]") {
  testing::StoreFixture f;
  auto w = f.db->watch("/", 0);
  std::optional<store::Result<std::vector<store::EventPtr>>> got;
  boost::asio::co_spawn(
      f.io, [&]() -> boost::asio::awaitable<void> { got = co_await w->next(); }, boost::asio::detached);
  f.io.restart();
  f.io.poll();
  f.db->close();
  while (!got) f.io.run_one();
  CHECK(got->error() == Errc::closed);
}
