#pragma once
// The single writer: one thread owns the write connection and turns the queue of
// pending writes into group commits. While one transaction is being fsynced, new writes
// queue up; the next transaction takes them all, so N concurrent writers cost one fsync
// instead of N. This is how an embedded store passes etcd's throughput without weakening
// durability (see README, "Design choices: storage").
//
// Compaction also runs here, in small transactions between write batches, so it never
// holds the write lock for long.

#include "checkpointer.h"
#include "completion.h"
#include "queries.h"
#include "sqlite.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kscratch::store {

struct WriteJob {
  queries::WriteRequest request;
  Handler<WriteResult> handler;
};

class Writer {
 public:
  // Runs on the io_context's thread with each committed batch: the events, in revision
  // order, then the completions of the batch's writes.
  using Publish = std::function<void(std::vector<EventPtr>&& events)>;

  Writer(std::unique_ptr<sqlite::Connection> connection, queries::Snapshot start,
         boost::asio::any_io_executor loop, Publish publish, std::size_t max_batch);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void submit(WriteJob job);
  void compact(Revision target, Handler<Revision> handler);
  // Fails queued work with closed and joins the thread.
  void close();

  Revision compacted() const { return compacted_.load(std::memory_order_acquire); }
  std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  std::uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }

 private:
  void run();
  void commit_batch(std::vector<WriteJob>& batch);
  bool maintenance_pending() const;
  void maintenance_step();
  void start_compaction(Revision target, Handler<Revision>& handler);

  std::unique_ptr<sqlite::Connection> db_;
  Checkpointer checkpointer_;
  boost::asio::any_io_executor loop_;
  Publish publish_;
  std::size_t max_batch_;

  // Writer-thread state.
  Revision revision_;
  Revision compact_cursor_ = 0;
  enum class Phase { idle, compacting, vacuuming, checkpointing } phase_ = Phase::idle;
  Revision compact_target_ = 0;
  int truncate_tries_ = 0;
  std::vector<Handler<Revision>> compact_waiters_;

  std::atomic<Revision> compacted_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> writes_{0};

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<WriteJob> queue_;
  std::deque<std::pair<Revision, Handler<Revision>>> compactions_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace kscratch::store
