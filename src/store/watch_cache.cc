#include "watch_cache.h"

namespace kscratch::store {

namespace {
std::size_t size_of(const Event& e) {
  return sizeof(Event) + e.key.size() + e.value.size() + (e.prev_value ? e.prev_value->size() : 0);
}
}  // namespace

WatchCache::WatchCache(Revision revision, std::size_t max_events, std::size_t max_bytes)
    : first_(revision + 1), max_events_(max_events), max_bytes_(max_bytes) {}

void WatchCache::publish(std::vector<EventPtr>&& events) {
  for (auto& e : events) {
    bytes_ += size_of(*e);
    ring_.push_back(std::move(e));
  }
  while (!ring_.empty() && (ring_.size() > max_events_ || bytes_ > max_bytes_)) {
    bytes_ -= size_of(*ring_.front());
    ring_.pop_front();
    ++first_;
  }
  wake_all();
}

void WatchCache::collect(std::string_view prefix, Revision after, std::vector<EventPtr>& out) const {
  auto begin = static_cast<std::size_t>(std::max<Revision>(after + 1 - first_, 0));
  for (auto i = begin; i < ring_.size(); ++i) {
    const auto& e = ring_[i];
    if (e->key.size() >= prefix.size() && std::string_view(e->key).substr(0, prefix.size()) == prefix) {
      out.push_back(e);
    }
  }
}

void WatchCache::wake_all() {
  for (auto* t : waiters_) t->cancel();
}

}  // namespace kscratch::store
