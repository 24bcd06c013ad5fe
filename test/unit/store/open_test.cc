#include "store_fixture.h"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>

using namespace kscratch;

TEST_CASE("data survives a reopen", "[store][open]") {
  testing::StoreFixture f;
  f.create("/a", "1");
  f.update("/a", "2");
  f.reopen();
  CHECK(f.db->revision() == 2);
  auto a = f.get("/a");
  CHECK(a->value == "2");
  CHECK(a->create_revision == 1);
  CHECK(f.get("/a", 1)->value == "1");
}

TEST_CASE("a file that is not a database is refused with a clear error", "[store][open]") {
  testing::TempDir dir;
  auto path = dir.path() / "state.db";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 5000; ++i) out << "this is not a database\n";
  }
  boost::asio::io_context io;
  auto r = store::open_store(io, {.path = path});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("state.db") && Catch::Contains("not"));
}

TEST_CASE("a foreign SQLite database is refused", "[store][open]") {
  testing::TempDir dir;
  auto path = dir.path() / "state.db";
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  boost::asio::io_context io;
  auto r = store::open_store(io, {.path = path});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("another application"));
}

TEST_CASE("a corrupted database is refused, not served", "[store][open]") {
  testing::StoreFixture f;
  for (int i = 0; i < 200; ++i) f.create("/k/" + std::to_string(i), std::string(1000, 'x'));
  f.db->close();
  f.db.reset();
  // Overwrite pages in the middle of the file (past the header) with garbage.
  {
    std::fstream io(f.options.path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(4096 * 3);
    for (int i = 0; i < 4096 * 4; ++i) io.put(static_cast<char>(i * 31));
  }
  boost::asio::io_context io;
  auto r = store::open_store(io, f.options);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("state.db"));
}

TEST_CASE("a store in use by another process is refused", "[store][open]") {
  testing::StoreFixture f;
  boost::asio::io_context io;
  auto r = store::open_store(io, f.options);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("in use"));
}
