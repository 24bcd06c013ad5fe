// The work queue (client-go util/workqueue: Type + delaying + rate limiting).

#include "kscratch/client/workqueue.h"

#include "kscratch/runtime/together.h"
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
  while (queue_.empty() && !shutting_down_) {
    co_await wake_.async_wait(kTuple);
    co_await runtime::throw_if_cancelled();
  }
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
  // The workers run as one group: cancelling run_workers cancels each (in get() or in
  // the API call it is making) and returns only once all have ended, so nothing outlives
  // the queue and the reconcile function.
  auto worker = [&queue, &reconcile]() -> asio::awaitable<void> {
    while (auto key = co_await queue.get()) {
      bool ok = false;
      try {
        ok = co_await reconcile(*key);
      } catch (const boost::system::system_error& e) {
        if (e.code() == asio::error::operation_aborted) throw;
        log::error("workqueue", "reconciling {} failed: {}", *key, e.what());
      } catch (const std::exception& e) {
        log::error("workqueue", "reconciling {} failed: {}", *key, e.what());
      }
      if (ok) queue.forget(*key);
      else queue.add_rate_limited(*key);
      queue.done(*key);
    }
  };
  std::vector<asio::awaitable<void>> tasks;
  for (int i = 0; i < workers; ++i) tasks.push_back(worker());
  co_await runtime::run_together(std::move(tasks));
}

}  // namespace kscratch::client
