#pragma once
// A thin RAII layer over the SQLite C API: a connection and prepared statements that
// bind and read BLOBs (keys and values are arbitrary bytes), with failures as exceptions
// carrying SQLite's message. It is private to the store: each connection is used by one
// thread only (the store opens its connections with SQLITE_OPEN_NOMUTEX).

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kscratch::store::sqlite {

class Failure : public std::runtime_error {
 public:
  Failure(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binding indexes start at 1, as in SQLite.
  Statement& bind(int index, std::int64_t v);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_text(int index, std::string_view text);

  // Advances; true while a row is available.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  // Clears bindings and rewinds, ready for the next use.
  void reset();

  std::int64_t int64(int column) const;
  std::string blob(int column) const;
  bool is_null(int column) const;

 private:
  void check(int rc, const char* what) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a cached statement when the scope using it ends, even on a throw.
class Use {
 public:
  explicit Use(Statement& s) : s_(s) {}
  ~Use() { s_.reset(); }
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  Statement& s_;
};

class Connection {
 public:
  Connection(const std::string& path, int flags);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql);
  std::int64_t query_int(const char* sql);
  std::string query_text(const char* sql);
  // A statement prepared once per connection and reused (prepare is costly per write).
  Statement& cached(const std::string& sql);
  Statement prepare(std::string_view sql);
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Statement> cache_;
};

// Runs a transaction: BEGIN IMMEDIATE (or deferred for readers) then COMMIT, rolling
// back when the scope exits by exception.
class Transaction {
 public:
  Transaction(Connection& c, bool immediate);
  ~Transaction();
  void commit();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace kscratch::store::sqlite
