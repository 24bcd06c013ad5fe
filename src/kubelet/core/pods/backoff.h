#pragma once
// Upstream's flowcontrol.Backoff as the kubelet uses it for crash loops and image pulls:
// per key, a delay that starts at `initial` on the first failure, doubles with each
// further one up to `max`, and is forgotten once the key has been quiet for 2 * max.

#include <chrono>
#include <map>
#include <string>

namespace kscratch::kubelet {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  Backoff(std::chrono::seconds initial, std::chrono::seconds max) : initial_(initial), max_(max) {}

  // Whether `key` is still backing off from a failure at `since` (the last exit).
  bool in_backoff_since(const std::string& key, Clock::time_point since, Clock::time_point now);
  // Records another failure: the delay grows (or starts at `initial`).
  void next(const std::string& key, Clock::time_point now);
  std::chrono::seconds delay(const std::string& key) const;
  void reset(const std::string& key) { entries_.erase(key); }

 private:
  struct Entry {
    std::chrono::seconds delay{0};
    Clock::time_point last_update;
  };
  std::chrono::seconds initial_, max_;
  std::map<std::string, Entry> entries_;
};

}  // namespace kscratch::kubelet
