#include "scheduling_queue.h"

#include "kscratch/runtime/together.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace kscratch::scheduler {

namespace asio = boost::asio;

namespace {
// upstream defaults: podInitialBackoffSeconds 1, podMaxBackoffSeconds 10,
// podMaxInUnschedulablePodsDuration 5 minutes.
constexpr auto kInitialBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(10);
constexpr auto kMaxUnschedulable = std::chrono::minutes(5);
}  // namespace

SchedulingQueue::SchedulingQueue(asio::any_io_executor executor)
    : wake_(executor, asio::steady_timer::time_point::max()) {}

SchedulingQueue::Clock::duration SchedulingQueue::backoff_for(const std::string& key) const {
  auto it = attempts_.find(key);
  int n = it == attempts_.end() ? 1 : it->second;
  Clock::duration d = kInitialBackoff;
  for (int i = 1; i < n && d < kMaxBackoff; ++i) d *= 2;
  return std::min<Clock::duration>(d, kMaxBackoff);
}

void SchedulingQueue::activate(const std::string& key) {
  if (!in_active_.insert(key).second) return;
  active_.push_back(key);
  wake_.cancel_one();
}

void SchedulingQueue::add(const std::string& key) {
  if (in_active_.contains(key) || backoff_.contains(key)) return;
  unschedulable_.erase(key);
  activate(key);
}

void SchedulingQueue::remove(const std::string& key) {
  if (in_active_.erase(key)) active_.erase(std::find(active_.begin(), active_.end(), key));
  backoff_.erase(key);
  unschedulable_.erase(key);
  attempts_.erase(key);
}

void SchedulingQueue::add_unschedulable(const std::string& key) {
  ++attempts_[key];
  unschedulable_[key] = Clock::now();
}

void SchedulingQueue::add_backoff(const std::string& key) {
  ++attempts_[key];
  backoff_[key] = Clock::now() + backoff_for(key);
}

void SchedulingQueue::move_all_to_active() {
  // Through the backoff queue, as upstream: a pod that just failed still waits its backoff.
  for (auto& [key, since] : unschedulable_) backoff_[key] = since + backoff_for(key);
  unschedulable_.clear();
  flush(Clock::now());
}

void SchedulingQueue::flush(Clock::time_point now) {
  for (auto it = backoff_.begin(); it != backoff_.end();) {
    if (it->second <= now) {
      activate(it->first);
      it = backoff_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = unschedulable_.begin(); it != unschedulable_.end();) {
    if (now - it->second >= kMaxUnschedulable) {
      activate(it->first);
      it = unschedulable_.erase(it);
    } else {
      ++it;
    }
  }
}

asio::awaitable<std::string> SchedulingQueue::pop() {
  while (active_.empty()) {
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await runtime::throw_if_cancelled();
  }
  std::string key = std::move(active_.front());
  active_.pop_front();
  in_active_.erase(key);
  co_return key;
}

}  // namespace kscratch::scheduler
