#include "store_fixture.h"

#include <catch2/catch.hpp>

using namespace kscratch;
using store::Errc;

TEST_CASE("get reads the latest or a past revision", "[store]") {
  testing::StoreFixture f;
  f.create("/k", "v1");    // 1
  f.update("/k", "v2");    // 2
  f.create("/other", "x"); // 3
  f.remove("/k");          // 4

  CHECK(f.get("/k").error() == Errc::not_found);
  auto at1 = f.get("/k", 1);
  REQUIRE(at1);
  CHECK(at1->value == "v1");
  CHECK(at1->mod_revision == 1);
  auto at3 = f.get("/k", 3);
  CHECK(at3->value == "v2");
  CHECK(at3->create_revision == 1);
  CHECK(at3->mod_revision == 2);
  CHECK(f.get("/k", 4).error() == Errc::not_found);
  CHECK(f.get("/k", 5).error() == Errc::future_revision);
}

TEST_CASE("list returns keys under a prefix in order, with the read revision", "[store]") {
  testing::StoreFixture f;
  f.create("/pods/b", "2");
  f.create("/pods/a", "1");
  f.create("/podsx", "no");
  f.create("/pod", "no");
  f.create("/pods/c", "3");
  auto l = f.list("/pods/");
  REQUIRE(l);
  REQUIRE(l->items.size() == 3);
  CHECK(l->items[0].key == "/pods/a");
  CHECK(l->items[2].key == "/pods/c");
  CHECK(l->revision == 5);
  CHECK_FALSE(l->more);
  CHECK(f.list("/none/")->items.empty());
}

TEST_CASE("list pages with limit and continue at one revision", "[store]") {
  testing::StoreFixture f;
  for (int i = 0; i < 10; ++i) f.create("/k/" + std::to_string(i), std::to_string(i));
  store::ListOptions o;
  o.limit = 4;
  auto p1 = f.list("/k/", o);
  REQUIRE(p1->items.size() == 4);
  CHECK(p1->more);
  // A write between pages must not show in later pages read at the first page's revision.
  f.update("/k/5", "changed");
  f.create("/k/99", "new");
  o.start_after = p1->items.back().key;
  o.revision = p1->revision;
  auto p2 = f.list("/k/", o);
  REQUIRE(p2->items.size() == 4);
  CHECK(p2->items[1].key == "/k/5");
  CHECK(p2->items[1].value == "5");
  o.start_after = p2->items.back().key;
  auto p3 = f.list("/k/", o);
  REQUIRE(p3->items.size() == 2);
  CHECK_FALSE(p3->more);
  CHECK(p3->revision == p1->revision);
}

TEST_CASE("list at a past revision sees the state of then", "[store]") {
  testing::StoreFixture f;
  f.create("/a", "1");  // 1
  f.create("/b", "1");  // 2
  f.update("/a", "2");  // 3
  f.remove("/b");       // 4
  f.create("/c", "1");  // 5
  store::ListOptions o;
  o.revision = 3;
  auto l = f.list("/", o);
  REQUIRE(l->items.size() == 2);
  CHECK(l->items[0].value == "2");
  CHECK(l->items[1].key == "/b");
  o.revision = 4;
  CHECK(f.list("/", o)->items.size() == 1);
  o.revision = 9;
  CHECK(f.list("/", o).error() == Errc::future_revision);
}
