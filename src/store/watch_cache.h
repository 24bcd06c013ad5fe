#pragma once
// The recent history of changes, in memory, shared by every watcher: the writer publishes
// each committed batch once, and each watcher keeps only a cursor into it. A watcher
// costs writers nothing, however slow it is; one whose cursor falls out of the window
// reads the gap from the database instead (as etcd's unsynced watchers do).
//
// Threading: used only on the io_context's thread.

#include "kscratch/store/store.h"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace kscratch::store {

class WatchCache {
 public:
  WatchCache(Revision revision, std::size_t max_events, std::size_t max_bytes);

  // Appends a batch (contiguous revisions following last()) and wakes the waiters.
  void publish(std::vector<EventPtr>&& events);

  // The lowest revision held; last() + 1 when empty.
  Revision first() const { return first_; }
  // The revision of the latest published change.
  Revision last() const { return first_ + static_cast<Revision>(ring_.size()) - 1; }

  // Appends the held events in (after, last()] whose key starts with prefix. Requires
  // after + 1 >= first().
  void collect(std::string_view prefix, Revision after, std::vector<EventPtr>& out) const;

  // Timers of watchers waiting for the next publish; publish() cancels them to wake them.
  void add_waiter(boost::asio::steady_timer* t) { waiters_.insert(t); }
  void remove_waiter(boost::asio::steady_timer* t) { waiters_.erase(t); }
  void wake_all();

 private:
  std::deque<EventPtr> ring_;
  Revision first_;
  std::size_t bytes_ = 0;
  std::size_t max_events_;
  std::size_t max_bytes_;
  std::unordered_set<boost::asio::steady_timer*> waiters_;
};

}  // namespace kscratch::store
