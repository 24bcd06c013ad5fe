#include "readers.h"

#include "schema.h"

namespace kscratch::store {

ReaderPool::ReaderPool(const std::string& path, int threads) {
  // Connections are opened here, on the caller's thread, so that a failure to open is
  // reported by open_store rather than lost on a helper thread.
  std::vector<std::unique_ptr<sqlite::Connection>> connections;
  for (int i = 0; i < threads; ++i) {
    auto c = std::make_unique<sqlite::Connection>(path, SQLITE_OPEN_READWRITE);
    schema::open_reader(*c);
    connections.push_back(std::move(c));
  }
  for (auto& c : connections) {
    threads_.emplace_back([this, c = std::move(c)]() mutable { loop(std::move(c)); });
  }
}

ReaderPool::~ReaderPool() { close(); }

void ReaderPool::submit(std::unique_ptr<Job> job) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      queue_.push_back(std::move(job));
      ready_.notify_one();
      return;
    }
  }
  job->cancel();
}

void ReaderPool::close() {
  std::deque<std::unique_ptr<Job>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (closing_ && threads_.empty()) return;
    closing_ = true;
    dropped.swap(queue_);
    ready_.notify_all();
  }
  for (auto& job : dropped) job->cancel();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void ReaderPool::loop(std::unique_ptr<sqlite::Connection> connection) {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job->run(*connection);
  }
}

}  // namespace kscratch::store
