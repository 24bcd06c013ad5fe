#include "writer.h"

#include "kscratch/util/log.h"

#include <boost/asio/post.hpp>
#include <sqlite3.h>

namespace kscratch::store {

namespace {
constexpr std::string_view kLog = "store";
// Rows examined per compaction transaction, and pages freed per vacuum step: small
// enough that a write batch never waits more than a few milliseconds behind them.
constexpr int kCompactRows = 2000;
constexpr int kVacuumPages = 1000;
// A WAL truncation refused as busy is tried again, this many times at most (then at the
// next compaction).
constexpr int kTruncateTries = 200;
}  // namespace

Writer::Writer(std::unique_ptr<sqlite::Connection> connection, queries::Snapshot start,
               boost::asio::any_io_executor loop, Publish publish, std::size_t max_batch)
    : db_(std::move(connection)),
      checkpointer_(sqlite3_db_filename(db_->handle(), "main"), db_->handle(), {}),
      loop_(std::move(loop)),
      publish_(std::move(publish)),
      max_batch_(max_batch),
      revision_(start.revision),
      compacted_(start.compacted) {
  thread_ = std::thread([this] { run(); });
}

Writer::~Writer() { close(); }

void Writer::submit(WriteJob job) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      queue_.push_back(std::move(job));
      ready_.notify_one();
      return;
    }
  }
  post_result<WriteResult>(loop_, job.handler, Errc::closed);
}

void Writer::compact(Revision target, Handler<Revision> handler) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      compactions_.emplace_back(target, std::move(handler));
      ready_.notify_one();
      return;
    }
  }
  post_result<Revision>(loop_, handler, Errc::closed);
}

void Writer::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ && !thread_.joinable()) return;
    closing_ = true;
    ready_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  checkpointer_.close();
  for (auto& job : queue_) post_result<WriteResult>(loop_, job.handler, Errc::closed);
  queue_.clear();
  for (auto& [target, handler] : compactions_) post_result<Revision>(loop_, handler, Errc::closed);
  compactions_.clear();
  for (auto& handler : compact_waiters_) post_result<Revision>(loop_, handler, Errc::closed);
  compact_waiters_.clear();
}

bool Writer::maintenance_pending() const { return phase_ != Phase::idle; }

void Writer::run() {
  std::vector<WriteJob> batch;
  for (;;) {
    std::deque<std::pair<Revision, Handler<Revision>>> compactions;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] {
        return closing_ || !queue_.empty() || !compactions_.empty() || maintenance_pending();
      });
      if (closing_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      compactions.swap(compactions_);
    }
    if (!batch.empty()) {
      checkpointer_.before_write();
      commit_batch(batch);
      batch.clear();
    }
    for (auto& [target, handler] : compactions) start_compaction(target, handler);
    if (maintenance_pending()) maintenance_step();
  }
}

void Writer::commit_batch(std::vector<WriteJob>& batch) {
  std::vector<EventPtr> events;
  std::vector<Result<WriteResult>> results;
  results.reserve(batch.size());
  events.reserve(batch.size());
  Revision rev = revision_;
  try {
    sqlite::Transaction tx(*db_, true);
    for (auto& job : batch) results.push_back(queries::apply_write(*db_, job.request, rev, events));
    if (rev != revision_) {
      queries::save_revision(*db_, rev);
      tx.commit();
    }
    revision_ = rev;
    auto now = std::chrono::steady_clock::now();
    // The events are not shared with anyone yet, so stamping them in place is safe.
    for (auto& e : events) std::const_pointer_cast<Event>(e)->committed_at = now;
  } catch (const sqlite::Failure& f) {
    // The transaction rolled back as a whole: no write of this batch happened.
    log::error(kLog, "commit of {} writes failed: {}", batch.size(), f.what());
    results.assign(batch.size(), Errc::storage);
    events.clear();
  }
  commits_.fetch_add(1, std::memory_order_relaxed);
  writes_.fetch_add(events.size(), std::memory_order_relaxed);

  // Two hops to the loop for the whole batch. The first publishes, which queues the
  // watchers' wake-ups; the second, queued behind them, completes the writes. So watchers
  // see the events before any writer learns its write succeeded (a client that watches
  // from the revision it got back never misses its own change), and delivery to watchers
  // does not wait behind hundreds of writers resuming.
  struct Done {
    std::vector<Handler<WriteResult>> handlers;
    std::vector<Result<WriteResult>> results;
  };
  auto done = std::make_shared<Done>();
  done->handlers.reserve(batch.size());
  for (auto& job : batch) done->handlers.push_back(std::move(job.handler));
  done->results = std::move(results);
  boost::asio::post(loop_, [loop = loop_, publish = publish_, done, events = std::move(events)]() mutable {
    if (!events.empty()) publish(std::move(events));
    boost::asio::post(loop, [done] {
      for (std::size_t i = 0; i < done->handlers.size(); ++i) {
        std::move(done->handlers[i])(std::move(done->results[i]));
      }
    });
  });
}

void Writer::start_compaction(Revision target, Handler<Revision>& handler) {
  if (target > revision_) {
    post_result<Revision>(loop_, handler, Errc::future_revision);
    return;
  }
  if (target <= compacted()) {
    post_result<Revision>(loop_, handler, Errc::compacted);
    return;
  }
  try {
    sqlite::Transaction tx(*db_, true);
    queries::save_compacted(*db_, target);
    tx.commit();
  } catch (const sqlite::Failure& f) {
    log::error(kLog, "compaction to {} failed: {}", target, f.what());
    post_result<Revision>(loop_, handler, Errc::storage);
    return;
  }
  // From here reads below target are refused; the rows go in the steps that follow.
  compacted_.store(target, std::memory_order_release);
  compact_target_ = target;
  phase_ = Phase::compacting;
  compact_waiters_.push_back(std::move(handler));
}

void Writer::maintenance_step() {
  try {
    switch (phase_) {
      case Phase::idle: return;
      case Phase::compacting: {
        sqlite::Transaction tx(*db_, true);
        auto step = queries::compact_step(*db_, compact_cursor_, compact_target_, kCompactRows);
        tx.commit();
        compact_cursor_ = step.cursor;
        if (step.done) {
          log::debug(kLog, "compacted to revision {}", compact_target_);
          for (auto& h : compact_waiters_) post_result<Revision>(loop_, h, compact_target_);
          compact_waiters_.clear();
          phase_ = Phase::vacuuming;
        }
        return;
      }
      case Phase::vacuuming: {
        // Hands pages freed by compaction back to the file system, a bounded step at a time.
        if (db_->query_int("PRAGMA freelist_count") == 0) {
          phase_ = Phase::checkpointing;
          return;
        }
        db_->exec(("PRAGMA incremental_vacuum(" + std::to_string(kVacuumPages) + ")").c_str());
        return;
      }
      case Phase::checkpointing: {
        // Copies the WAL into the database and truncates it, which also hands the pages
        // the vacuum freed back to the file system. Busy (1) while the checkpointer runs a
        // step of its own: tried again a moment later.
        if (db_->query_int("PRAGMA wal_checkpoint(TRUNCATE)") != 0 && ++truncate_tries_ < kTruncateTries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          return;
        }
        truncate_tries_ = 0;
        phase_ = Phase::idle;
        return;
      }
    }
  } catch (const sqlite::Failure& f) {
    log::warn(kLog, "store maintenance step failed (will retry at the next compaction): {}", f.what());
    for (auto& h : compact_waiters_) post_result<Revision>(loop_, h, Errc::storage);
    compact_waiters_.clear();
    phase_ = Phase::idle;
  }
}

}  // namespace kscratch::store
