#pragma once
// Latency histogram with 10 µs buckets up to 2 s (and one overflow bucket): fixed memory
// however many samples, exact enough for medians and p99s in milliseconds.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace kscratch::bench {

class Histogram {
 public:
  static constexpr std::int64_t kBucketNs = 10'000;
  static constexpr std::size_t kBuckets = 200'000;

  Histogram() : counts_(kBuckets + 1, 0) {}

  void add(std::chrono::nanoseconds d) {
    auto i = static_cast<std::size_t>(std::max<std::int64_t>(d.count(), 0) / kBucketNs);
    ++counts_[std::min(i, kBuckets)];
    ++total_;
  }

  std::uint64_t count() const { return total_; }

  // The q-quantile (0..1) in milliseconds, the upper edge of its bucket.
  double quantile_ms(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return static_cast<double>((i + 1) * kBucketNs) / 1e6;
    }
    return static_cast<double>(kBuckets * kBucketNs) / 1e6;
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
};

}  // namespace kscratch::bench
