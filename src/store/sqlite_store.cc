// The Store on SQLite: wires the writer thread, the reader threads and the in-memory
// watch cache together, and turns their callbacks into awaitables on the loop.

#include "kscratch/store/store.h"

#include "kscratch/util/log.h"
#include "queries.h"
#include "readers.h"
#include "schema.h"
#include "watch_cache.h"
#include "writer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace kscratch::store {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "store";
// Events read from the database per step when a watcher catches up.
constexpr int kHistoryBatch = 1000;

// Runs a read on a reader thread and completes the handler with its result; SQLite
// failures become Errc::storage after being logged.
template <class T, class F>
class ReadJob : public ReaderPool::Job {
 public:
  ReadJob(asio::any_io_executor loop, Handler<T> h, F f) : loop_(std::move(loop)), handler_(std::move(h)), f_(std::move(f)) {}
  void run(sqlite::Connection& c) override {
    Result<T> r = Errc::storage;
    try {
      r = f_(c);
    } catch (const sqlite::Failure& e) {
      log::error(kLog, "read failed: {}", e.what());
    }
    post_result<T>(loop_, handler_, std::move(r));
  }
  void cancel() override { post_result<T>(loop_, handler_, Errc::closed); }

 private:
  asio::any_io_executor loop_;
  Handler<T> handler_;
  F f_;
};

// An exclusive lock beside the database: two processes writing one store would break
// the single-writer design, so the second is refused with a clear message.
class LockFile {
 public:
  explicit LockFile(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error(fmt::format("cannot open lock file {}: {}", path.string(), strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw std::runtime_error(fmt::format("the store {} is in use by another kscratch process (lock {} is held)",
                                           path.parent_path().string(), path.string()));
    }
  }
  ~LockFile() { ::close(fd_); }
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

 private:
  int fd_ = -1;
};

std::uint64_t size_of_file(const std::filesystem::path& p) {
  std::error_code ec;
  auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

}  // namespace

class SqliteStore;

class CacheWatch : public Watch {
 public:
  CacheWatch(std::shared_ptr<SqliteStore> store, std::string prefix, Revision from);
  ~CacheWatch() override;
  asio::awaitable<Result<std::vector<EventPtr>>> next() override;
  Revision progress() const override { return cursor_; }

 private:
  std::shared_ptr<SqliteStore> store_;
  std::string prefix_;
  Revision from_;
  Revision cursor_;
  bool started_ = false;
  asio::steady_timer wake_;
};

class SqliteStore : public Store, public std::enable_shared_from_this<SqliteStore> {
 public:
  SqliteStore(asio::io_context& io, StoreOptions options, std::unique_ptr<LockFile> lock,
              std::unique_ptr<sqlite::Connection> writer_db, queries::Snapshot snap)
      : io_(io),
        options_(std::move(options)),
        lock_(std::move(lock)),
        readers_(options_.path.string(), options_.readers),
        cache_(snap.revision, options_.watch_cache_events, options_.watch_cache_bytes),
        writer_(std::move(writer_db), snap, io.get_executor(),
                [this](std::vector<EventPtr>&& events) { cache_.publish(std::move(events)); },
                options_.max_batch) {}

  ~SqliteStore() override { close(); }

  asio::awaitable<Result<KeyValue>> get(std::string key, Revision at) override {
    if (key.empty()) co_return Errc::invalid_key;
    auto query = [key = std::move(key), at](sqlite::Connection& c) { return queries::get(c, key, at); };
    co_return co_await read<KeyValue>(std::move(query));
  }

  asio::awaitable<Result<ListResult>> list(std::string prefix, const ListOptions& options) override {
    auto query = [prefix = std::move(prefix), options](sqlite::Connection& c) {
      return queries::list(c, prefix, options);
    };
    co_return co_await read<ListResult>(std::move(query));
  }

  asio::awaitable<Result<WriteResult>> create(std::string key, std::string value) override {
    // NOTE: the request is a named local passed by reference. Passed by value into the
    // nested coroutine, g++ 12.2 at -O2 left its strings pointing into this frame (a
    // double free under load); the reference is safe because write() is awaited at once.
    queries::WriteRequest r{queries::WriteRequest::Kind::create, std::move(key), std::move(value), 0};
    co_return co_await write(r);
  }

  asio::awaitable<Result<WriteResult>> update(std::string key, std::string value, Revision expected) override {
    queries::WriteRequest r{queries::WriteRequest::Kind::update, std::move(key), std::move(value), expected};
    co_return co_await write(r);
  }

  asio::awaitable<Result<WriteResult>> remove(std::string key, Revision expected) override {
    queries::WriteRequest r{queries::WriteRequest::Kind::remove, std::move(key), {}, expected};
    co_return co_await write(r);
  }

  std::unique_ptr<Watch> watch(std::string prefix, Revision from) override {
    return std::make_unique<CacheWatch>(shared_from_this(), std::move(prefix), from == 0 ? cache_.last() : from);
  }

  asio::awaitable<Result<Revision>> compact(Revision target) override {
    if (closed_) co_return Errc::closed;
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<Revision>)>(
        [this, target](auto handler) { writer_.compact(target, Handler<Revision>(std::move(handler))); },
        asio::use_awaitable);
  }

  asio::awaitable<void> run_maintenance() override;

  Revision revision() const override { return cache_.last(); }

  StoreStats stats() const override {
    StoreStats s;
    s.revision = cache_.last();
    s.compacted = writer_.compacted();
    s.db_bytes = size_of_file(options_.path);
    s.wal_bytes = size_of_file(options_.path.string() + "-wal");
    s.commits = writer_.commits();
    s.writes = writer_.writes();
    return s;
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    writer_.close();
    readers_.close();
    cache_.wake_all();
  }

  bool closed() const { return closed_; }
  Revision compacted() const { return writer_.compacted(); }
  WatchCache& cache() { return cache_; }
  asio::any_io_executor executor() { return io_.get_executor(); }

  asio::awaitable<Result<queries::History>> history(std::string prefix, Revision after, Revision until) {
    auto query = [prefix = std::move(prefix), after, until](sqlite::Connection& c) {
      return queries::read_history(c, prefix, after, until, kHistoryBatch);
    };
    co_return co_await read<queries::History>(std::move(query));
  }

 private:
  template <class T, class F>
  asio::awaitable<Result<T>> read(F f) {
    if (closed_) co_return Errc::closed;
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<T>)>(
        [this, &f](auto handler) {
          readers_.submit(std::make_unique<ReadJob<T, F>>(io_.get_executor(), Handler<T>(std::move(handler)), std::move(f)));
        },
        asio::use_awaitable);
  }

  // request lives in the caller's frame, which outlives this call; see create().
  asio::awaitable<Result<WriteResult>> write(queries::WriteRequest& request) {
    if (closed_) co_return Errc::closed;
    if (request.key.empty()) co_return Errc::invalid_key;
    if (request.value.size() > options_.max_value_bytes) co_return Errc::value_too_large;
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<WriteResult>)>(
        [this, &request](auto handler) {
          writer_.submit(WriteJob{std::move(request), Handler<WriteResult>(std::move(handler))});
        },
        asio::use_awaitable);
  }

  asio::io_context& io_;
  StoreOptions options_;
  std::unique_ptr<LockFile> lock_;
  ReaderPool readers_;
  WatchCache cache_;
  Writer writer_;
  bool closed_ = false;
};

CacheWatch::CacheWatch(std::shared_ptr<SqliteStore> store, std::string prefix, Revision from)
    : store_(std::move(store)), prefix_(std::move(prefix)), from_(from), cursor_(from), wake_(store_->executor()) {}

CacheWatch::~CacheWatch() { store_->cache().remove_waiter(&wake_); }

asio::awaitable<Result<std::vector<EventPtr>>> CacheWatch::next() {
  auto& cache = store_->cache();
  if (!started_) {
    started_ = true;
    // As etcd: a watch that starts below the compacted revision cannot be served.
    if (from_ < store_->compacted()) co_return Errc::compacted;
  }
  for (;;) {
    if (store_->closed()) co_return Errc::closed;
    std::vector<EventPtr> out;
    if (cursor_ + 1 < cache.first()) {
      // The events this watcher needs have left memory: read them from the database.
      auto history = co_await store_->history(prefix_, cursor_, cache.first() - 1);
      if (!history) co_return history.error();
      cursor_ = history->covered;
      if (!history->events.empty()) co_return std::move(history->events);
      continue;
    }
    cache.collect(prefix_, cursor_, out);
    cursor_ = std::max(cursor_, cache.last());
    if (!out.empty()) co_return out;

    wake_.expires_at(asio::steady_timer::time_point::max());
    cache.add_waiter(&wake_);
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    cache.remove_waiter(&wake_);
    // A cancelled wait is normally the cache waking us; a cancelled coroutine is a stop.
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      throw boost::system::system_error(asio::error::operation_aborted);
    }
  }
}

asio::awaitable<Result<ListResult>> Store::list(std::string prefix) {
  ListOptions latest;
  co_return co_await list(std::move(prefix), latest);
}

asio::awaitable<void> SqliteStore::run_maintenance() {
  if (options_.compact_interval.count() == 0) co_return;
  // Revisions seen at each tick, to find the newest revision older than keep_window.
  std::deque<std::pair<std::chrono::steady_clock::time_point, Revision>> samples;
  asio::steady_timer timer(io_);
  for (;;) {
    timer.expires_after(options_.compact_interval);
    co_await timer.async_wait(asio::use_awaitable);
    if (closed_) co_return;
    auto now = std::chrono::steady_clock::now();
    samples.emplace_back(now, revision());
    Revision by_window = 0;
    while (!samples.empty() && samples.front().first <= now - options_.keep_window) {
      by_window = samples.front().second;
      samples.pop_front();
    }
    if (by_window != 0) samples.emplace_front(now - options_.keep_window, by_window);
    Revision target = std::min(revision() - options_.keep_revisions, by_window);
    if (target <= compacted()) continue;
    auto r = co_await compact(target);
    if (r) {
      auto s = stats();
      log::info(kLog, "compacted to revision {} (revision {}, database {} KiB, WAL {} KiB)", *r, s.revision,
                s.db_bytes / 1024, s.wal_bytes / 1024);
    } else if (r.error() != Errc::compacted) {
      log::warn(kLog, "compaction to {} failed: {}", target, r.error().message());
    }
  }
}

Expected<std::shared_ptr<Store>> open_store(asio::io_context& io, StoreOptions options) {
  try {
    auto dir = options.path.parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
    auto lock = std::make_unique<LockFile>(options.path.string() + ".lock");
    auto db = std::make_unique<sqlite::Connection>(options.path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    schema::open_writer(*db, options.path.string(), options.check_integrity);
    auto snap = queries::read_snapshot(*db);
    auto path = options.path.string();
    auto store = std::make_shared<SqliteStore>(io, std::move(options), std::move(lock), std::move(db), snap);
    log::info(kLog, "opened {} at revision {} (compacted {})", path, snap.revision, snap.compacted);
    return std::shared_ptr<Store>(std::move(store));
  } catch (const std::exception& e) {
    return make_error(e.what());
  }
}

}  // namespace kscratch::store
