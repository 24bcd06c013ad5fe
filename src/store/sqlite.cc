#include "sqlite.h"

#include "wal_append_vfs.h"

#include <fmt/format.h>

namespace kscratch::store::sqlite {

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

void Statement::check(int rc, const char* what) const {
  if (rc != SQLITE_OK) throw Failure(rc, fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db_)));
}

Statement& Statement::bind(int index, std::int64_t v) {
  check(sqlite3_bind_int64(stmt_, index, v), "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob must still be a BLOB (not NULL), so pass a valid pointer.
  static const char empty = 0;
  check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &empty : bytes.data(), bytes.size(),
                            SQLITE_STATIC),
        "bind");
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view text) {
  check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8), "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw Failure(rc, fmt::format("sqlite step: {} ({})", sqlite3_errmsg(db_), sqlite3_sql(stmt_)));
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Connection::Connection(const std::string& path, int flags) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, wal_append_vfs());
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Failure(rc, fmt::format("cannot open {}: {}", path, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10'000);
}

Connection::~Connection() {
  cache_.clear();
  if (db_) sqlite3_close(db_);
}

void Connection::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw Failure(rc, fmt::format("sqlite: {} ({})", msg, sql));
  }
}

std::int64_t Connection::query_int(const char* sql) {
  Statement s = prepare(sql);
  return s.step() ? s.int64(0) : 0;
}

std::string Connection::query_text(const char* sql) {
  Statement s = prepare(sql);
  return s.step() ? s.blob(0) : std::string();
}

Statement Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt, nullptr);
  if (rc != SQLITE_OK) throw Failure(rc, fmt::format("sqlite prepare: {} ({})", sqlite3_errmsg(db_), sql));
  return Statement(db_, stmt);
}

Statement& Connection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, prepare(sql)).first;
  return it->second;
}

Transaction::Transaction(Connection& c, bool immediate) : c_(c) {
  c_.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!done_) {
    // ROLLBACK fails harmlessly when SQLite already rolled back (e.g. after SQLITE_FULL).
    sqlite3_exec(c_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  c_.exec("COMMIT");
  done_ = true;
}

}  // namespace kscratch::store::sqlite
