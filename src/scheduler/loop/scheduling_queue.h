#pragma once
// upstream's PriorityQueue, reduced to what kscratch needs: an active queue in arrival
// order, a backoff queue (pods that failed wait 1 s, 2 s, ... up to 10 s before their next
// attempt) and the unschedulable pods, which go back to the active queue when the cluster
// changes in a way that may let them fit (a node added or changed, a pod deleted), or after
// five minutes regardless.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace kscratch::scheduler {

class SchedulingQueue {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SchedulingQueue(boost::asio::any_io_executor executor);

  // A pending pod appeared or changed: schedule it (unless it waits out a backoff).
  void add(const std::string& key);
  // The pod is gone or bound: forget it.
  void remove(const std::string& key);
  // The attempt failed: the pod waits until move_all_to_active() (or five minutes), then
  // its backoff.
  void add_unschedulable(const std::string& key);
  // The attempt failed for a passing reason (a binding error): retry after the backoff.
  void add_backoff(const std::string& key);
  // A cluster event that may make unschedulable pods fit.
  void move_all_to_active();

  // The next pod to schedule; waits for one.
  boost::asio::awaitable<std::string> pop();
  // Moves due pods from backoff (and stale unschedulable ones) to active; call periodically.
  void flush(Clock::time_point now);

  std::size_t active() const { return active_.size(); }
  std::size_t unschedulable() const { return unschedulable_.size(); }

 private:
  Clock::duration backoff_for(const std::string& key) const;
  void activate(const std::string& key);

  std::deque<std::string> active_;
  std::set<std::string> in_active_;
  std::map<std::string, Clock::time_point> backoff_;        // key -> when it may run
  std::map<std::string, Clock::time_point> unschedulable_;  // key -> since when
  std::unordered_map<std::string, int> attempts_;
  boost::asio::steady_timer wake_;
};

}  // namespace kscratch::scheduler
