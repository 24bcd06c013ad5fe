#pragma once
// client-go's rate-limited work queue, for coroutines on one io_context thread: keys (such
// as "namespace/name") are de-duplicated while waiting, a key is never handed to two
// workers at once (one added while it is being processed is queued again when done()),
// and failures come back after a per-key exponential backoff.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace kscratch::client {

struct RateLimit {
  // Per-key backoff: base * 2^failures, capped (client-go's ItemExponentialFailureRateLimiter
  // defaults: 5 ms to 1000 s).
  std::chrono::milliseconds base{5};
  std::chrono::milliseconds max{1000 * 1000};
};

class WorkQueue {
 public:
  explicit WorkQueue(boost::asio::any_io_executor executor, RateLimit limit = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  void add_after(const std::string& key, std::chrono::milliseconds delay);
  // add_after with the key's next backoff; forget() resets it.
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key);
  int requeues(const std::string& key) const;

  // The next key to process, or nothing once the queue is shut down.
  boost::asio::awaitable<std::optional<std::string>> get();
  // Marks a key from get() as processed.
  void done(const std::string& key);

  void shut_down();
  std::size_t length() const { return queue_.size(); }

 private:
  boost::asio::any_io_executor executor_;
  RateLimit limit_;
  std::deque<std::string> queue_;
  std::set<std::string, std::less<>> dirty_;       // waiting in queue_ (or to be re-queued)
  std::set<std::string, std::less<>> processing_;  // handed out, not yet done()
  std::map<std::string, int, std::less<>> failures_;
  boost::asio::steady_timer wake_;
  bool shutting_down_ = false;
  std::shared_ptr<bool> alive_;  // lets delayed adds outlive the queue safely
};

// Runs `workers` coroutines that take keys from `queue` and call `reconcile`; a reconcile
// that returns false (or throws) is retried with backoff, one that returns true is
// forgotten. Returns when the queue is shut down.
boost::asio::awaitable<void> run_workers(WorkQueue& queue, int workers,
                                         std::function<boost::asio::awaitable<bool>(const std::string& key)> reconcile);

}  // namespace kscratch::client
