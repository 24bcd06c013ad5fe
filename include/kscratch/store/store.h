#pragma once
// The cluster state store: an etcd-like revisioned key-value store with watch, kept in
// an embedded SQLite database (as k3s keeps it with kine).
//
// Semantics are etcd v3's for what Kubernetes uses:
//  - one global revision, +1 per successful write; every key carries the revision that
//    created it and the revision that last modified it (its resourceVersion);
//  - create fails already_exists, update/remove compare-and-swap on the mod revision;
//  - reads at a past revision until that revision is compacted;
//  - watch delivers every change after a revision, in order, without gaps or duplicates.
// A write completes only after its transaction is durably on disk (WAL + fsync); many
// concurrent writes share one transaction and one fsync (group commit).
//
// Threading: call everything from the io_context's thread; SQLite work runs on the
// store's own threads and resumes the caller on its executor.

#include "kscratch/store/errors.h"
#include "kscratch/util/expected.h"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kscratch::store {

using Revision = std::int64_t;
template <class T>
using Result = boost::system::result<T>;

struct KeyValue {
  std::string key;
  std::string value;
  Revision create_revision = 0;
  Revision mod_revision = 0;
};

struct WriteResult {
  Revision revision = 0;  // the new store revision; the key's mod revision
  Revision create_revision = 0;
  std::optional<std::string> prev_value;  // update/remove: the value replaced
};

struct ListOptions {
  Revision revision = 0;    // read at this revision; 0 means the latest
  std::size_t limit = 0;    // at most this many items; 0 means all
  std::string start_after;  // continue after this key (exclusive)
};

struct ListResult {
  std::vector<KeyValue> items;  // ordered by key
  Revision revision = 0;        // the revision the list was read at
  bool more = false;            // items remain after items.back()
};

struct Event {
  enum class Type { put, remove };
  Type type = Type::put;
  std::string key;
  std::string value;  // empty for remove
  std::optional<std::string> prev_value;
  Revision mod_revision = 0;  // the revision of this change
  Revision create_revision = 0;
  // When the change became durable (for watch latency figures; unset when read back
  // from history).
  std::chrono::steady_clock::time_point committed_at{};
};
using EventPtr = std::shared_ptr<const Event>;

class Watch {
 public:
  virtual ~Watch() = default;
  // The next events after those already returned, in revision order; waits while there
  // are none. Fails compacted when the events it needs were compacted away (the caller
  // re-lists), closed when the store closes.
  virtual boost::asio::awaitable<Result<std::vector<EventPtr>>> next() = 0;
  // Every change up to this revision has been delivered (for progress bookmarks).
  virtual Revision progress() const = 0;
};

struct StoreOptions {
  std::filesystem::path path;  // the SQLite database file; its directory must exist
  int readers = 2;             // threads serving reads, each with its own connection
  std::size_t max_value_bytes = 3 * 1024 * 1024;
  std::size_t max_batch = 4096;  // writes per group commit at most
  // Compaction keeps at least the last keep_revisions revisions and all revisions from
  // the last keep_window, checking every compact_interval (0 disables it).
  Revision keep_revisions = 1000;
  std::chrono::seconds keep_window{300};
  std::chrono::seconds compact_interval{60};
  // Recent events held in memory for watchers; older ones are read from the database.
  std::size_t watch_cache_events = 50'000;
  std::size_t watch_cache_bytes = 16 * 1024 * 1024;
  bool check_integrity = true;  // PRAGMA quick_check at open
};

struct StoreStats {
  Revision revision = 0;
  Revision compacted = 0;
  std::uint64_t db_bytes = 0;
  std::uint64_t wal_bytes = 0;
  std::uint64_t commits = 0;  // transactions, each covering one or more writes
  std::uint64_t writes = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual boost::asio::awaitable<Result<KeyValue>> get(std::string key, Revision at = 0) = 0;
  // NOTE: options by reference: g++ 12.2 double-frees aggregates with string members
  // passed by value into coroutines. The one-argument form lists the latest state.
  virtual boost::asio::awaitable<Result<ListResult>> list(std::string prefix, const ListOptions& options) = 0;
  boost::asio::awaitable<Result<ListResult>> list(std::string prefix);

  virtual boost::asio::awaitable<Result<WriteResult>> create(std::string key, std::string value) = 0;
  // expected_mod_revision 0 means unconditional.
  virtual boost::asio::awaitable<Result<WriteResult>> update(std::string key, std::string value,
                                                             Revision expected_mod_revision) = 0;
  virtual boost::asio::awaitable<Result<WriteResult>> remove(std::string key, Revision expected_mod_revision) = 0;

  // Watches keys starting with prefix for changes after revision from (0: from now).
  virtual std::unique_ptr<Watch> watch(std::string prefix, Revision from) = 0;

  // Discards history before revision target; returns the compacted revision.
  virtual boost::asio::awaitable<Result<Revision>> compact(Revision target) = 0;

  // Periodic compaction and space reclaim, per StoreOptions; a supervisor task.
  virtual boost::asio::awaitable<void> run_maintenance() = 0;

  virtual Revision revision() const = 0;
  virtual StoreStats stats() const = 0;

  // Fails pending and future operations with closed and joins the store's threads.
  virtual void close() = 0;
};

// Opens (creating if absent) the store at options.path. Errors name the problem: a
// file that is not a kscratch database, a corrupted one, one in use by another process.
Expected<std::shared_ptr<Store>> open_store(boost::asio::io_context& io, StoreOptions options);

}  // namespace kscratch::store
