#pragma once
// Threads that serve reads, each with its own SQLite connection. WAL mode lets them read
// a consistent snapshot while the writer commits, so reads never wait for fsyncs.

#include "sqlite.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kscratch::store {

class ReaderPool {
 public:
  struct Job {
    virtual ~Job() = default;
    virtual void run(sqlite::Connection& c) = 0;
    // Called instead of run() when the pool is closing.
    virtual void cancel() = 0;
  };

  ReaderPool(const std::string& path, int threads);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  void submit(std::unique_ptr<Job> job);
  // Cancels queued jobs and joins the threads; later submissions are cancelled at once.
  void close();

 private:
  void loop(std::unique_ptr<sqlite::Connection> connection);

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<Job>> queue_;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kscratch::store
