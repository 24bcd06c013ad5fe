#include "backoff.h"

#include <algorithm>

namespace kscratch::kubelet {

bool Backoff::in_backoff_since(const std::string& key, Clock::time_point since, Clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  if (now - it->second.last_update > 2 * max_) {
    entries_.erase(it);
    return false;
  }
  return now - since < it->second.delay;
}

void Backoff::next(const std::string& key, Clock::time_point now) {
  auto& e = entries_[key];
  if (e.delay.count() == 0 || now - e.last_update > 2 * max_) {
    e.delay = initial_;
  } else {
    e.delay = std::min(e.delay * 2, max_);
  }
  e.last_update = now;
}

std::chrono::seconds Backoff::delay(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? std::chrono::seconds(0) : it->second.delay;
}

}  // namespace kscratch::kubelet
