#include "schema.h"

#include <fmt/format.h>

namespace kscratch::store::schema {
namespace {

void create(sqlite::Connection& c) {
  // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets the store
  // hand pages freed by compaction back to the file system in small steps.
  c.exec("PRAGMA auto_vacuum = INCREMENTAL");
  c.exec("PRAGMA journal_mode = WAL");
  sqlite::Transaction tx(c, true);
  c.exec(R"sql(
    CREATE TABLE log (
      rev        INTEGER PRIMARY KEY,
      key        BLOB NOT NULL,
      create_rev INTEGER NOT NULL,
      prev_rev   INTEGER NOT NULL,
      deleted    INTEGER NOT NULL,
      value      BLOB NOT NULL
    );
    CREATE INDEX log_key_rev ON log (key, rev);
    CREATE TABLE current (
      key BLOB PRIMARY KEY,
      rev INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE meta (
      name  TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO meta VALUES ('revision', 0), ('compacted', 0);
  )sql");
  c.exec(fmt::format("PRAGMA application_id = {}", kApplicationId).c_str());
  c.exec(fmt::format("PRAGMA user_version = {}", kVersion).c_str());
  tx.commit();
}

void verify(sqlite::Connection& c, const std::string& path, bool check_integrity) {
  auto app = c.query_int("PRAGMA application_id");
  if (app != kApplicationId) {
    throw sqlite::Failure(SQLITE_NOTADB,
                          fmt::format("{} is a SQLite database of another application (application_id "
                                      "{:#x}), not a kscratch store; move it away or choose another --data-dir",
                                      path, app));
  }
  auto version = c.query_int("PRAGMA user_version");
  if (version > kVersion) {
    throw sqlite::Failure(SQLITE_NOTADB, fmt::format("{} has store schema version {}, newer than this "
                                                     "kscratch understands ({})",
                                                     path, version, kVersion));
  }
  if (check_integrity) {
    auto verdict = c.query_text("PRAGMA quick_check(1)");
    if (verdict != "ok") {
      throw sqlite::Failure(SQLITE_CORRUPT, fmt::format("{} is corrupted: {}", path, verdict));
    }
  }
}

}  // namespace

void open_writer(sqlite::Connection& c, const std::string& path, bool check_integrity) {
  try {
    // The first read of the header is where a file that is not SQLite is detected.
    auto tables = c.query_int("SELECT count(*) FROM sqlite_master");
    auto app = c.query_int("PRAGMA application_id");
    if (tables == 0 && app == 0) {
      create(c);
    } else {
      verify(c, path, check_integrity);
      c.exec("PRAGMA journal_mode = WAL");
    }
  } catch (const sqlite::Failure& f) {
    int primary = f.code() & 0xff;
    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
      if (std::string_view(f.what()).find(path) != std::string_view::npos) throw;
      throw sqlite::Failure(f.code(), fmt::format("{} is not a usable kscratch store: {}", path, f.what()));
    }
    throw;
  }
  // Durability as etcd's: a commit returns only once the WAL is fsynced.
  c.exec("PRAGMA synchronous = FULL");
  // WAL files are truncated back to this size after checkpoints, so a burst of writes
  // cannot leave a multi-gigabyte WAL behind (a known k3s pain).
  c.exec("PRAGMA journal_size_limit = 67108864");
  c.exec("PRAGMA cache_size = -8000");
  c.exec("PRAGMA temp_store = MEMORY");
}

void open_reader(sqlite::Connection& c) {
  c.exec("PRAGMA query_only = 1");
  c.exec("PRAGMA cache_size = -4000");
}

}  // namespace kscratch::store::schema
