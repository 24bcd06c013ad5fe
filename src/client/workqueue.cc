// The work queue (client-go util/workqueue: Type + delaying + rate limiting).

#include "kscratch/client/workqueue.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <vector>

namespace kscratch::client {

namespace asio = boost::asio;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

WorkQueue::WorkQueue(asio::any_io_executor executor, RateLimit limit)
    : executor_(executor),
      limit_(limit),
      wake_(executor, asio::steady_timer::time_point::max()),
      alive_(std::make_shared<bool>(true)) {}

WorkQueue::~WorkQueue() { *alive_ = false; }

void WorkQueue::add(const std::string& key) {
  if (shutting_down_) return;
  if (!dirty_.insert(key).second) return;  // already waiting
  // A key being processed goes back in the queue when done() is called.
  if (processing_.contains(key)) return;
  queue_.push_back(key);
  wake_.cancel_one();
}

void WorkQueue::add_after(const std::string& key, std::chrono::milliseconds delay) {
  if (shutting_down_) return;
  if (delay <= std::chrono::milliseconds::zero()) {
    add(key);
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(executor_, delay);
  timer->async_wait([this, timer, key, alive = alive_](boost::system::error_code) {
    if (*alive) add(key);
  });
}

void WorkQueue::add_rate_limited(const std::string& key) {
  int n = failures_[key]++;
  auto delay = limit_.base * (1LL << std::min(n, 30));
  add_after(key, std::min<std::chrono::milliseconds>(std::chrono::duration_cast<std::chrono::milliseconds>(delay), limit_.max));
}

void WorkQueue::forget(const std::string& key) { failures_.erase(key); }

int WorkQueue::requeues(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

asio::awaitable<std::optional<std::string>> WorkQueue::get() {
  while (queue_.empty() && !shutting_down_) co_await wake_.async_wait(kTuple);
  if (queue_.empty()) co_return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  co_return key;
}

void WorkQueue::done(const std::string& key) {
  processing_.erase(key);
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    wake_.cancel_one();
  }
}

void WorkQueue::shut_down() {
  shutting_down_ = true;
  wake_.cancel();
}

asio::awaitable<void> run_workers(WorkQueue& queue, int workers,
                                  std::function<asio::awaitable<bool>(const std::string& key)> reconcile) {
  // The workers share the reconcile function, not this frame: when run_workers is
  // cancelled it shuts the queue down and returns, and each worker ends after its current
  // key. The queue must outlive them (its owner, a controller, lives for the process).
  auto fn = std::make_shared<std::function<asio::awaitable<bool>(const std::string&)>>(std::move(reconcile));
  auto worker = [&queue, fn]() -> asio::awaitable<void> {
    while (auto key = co_await queue.get()) {
      bool ok = false;
      try {
        ok = co_await (*fn)(*key);
      } catch (const std::exception& e) {
        log::error("workqueue", "reconciling {} failed: {}", *key, e.what());
      }
      if (ok) queue.forget(*key);
      else queue.add_rate_limited(*key);
      queue.done(*key);
    }
  };
  auto ex = co_await asio::this_coro::executor;
  auto remaining = std::make_shared<int>(workers);
  auto finished = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  for (int i = 0; i < workers; ++i) {
    asio::co_spawn(ex, worker(), [remaining, finished](std::exception_ptr) {
      if (--*remaining == 0) finished->cancel();
    });
  }
  struct ShutDownOnExit {
    WorkQueue& q;
    ~ShutDownOnExit() { q.shut_down(); }
  } guard{queue};
  co_await finished->async_wait(kTuple);
}

}  // namespace kscratch::client
