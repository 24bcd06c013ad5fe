// Status and the shared NormalizeScore helper (upstream framework.Status, helper.DefaultNormalizeScore).

#include "kscratch/scheduler/framework.h"

#include <algorithm>

namespace kscratch::scheduler {

std::string Status::message() const {
  std::string out;
  for (size_t i = 0; i < reasons_.size(); ++i) {
    if (i > 0) out += ", ";
    out += reasons_[i];
  }
  return out;
}

void default_normalize_score(int64_t max_priority, bool reverse, std::span<int64_t> scores) {
  int64_t max_count = 0;
  for (int64_t s : scores) max_count = std::max(max_count, s);
  if (max_count == 0) {
    if (reverse) std::fill(scores.begin(), scores.end(), max_priority);
    return;
  }
  for (int64_t& s : scores) {
    s = max_priority * s / max_count;
    if (reverse) s = max_priority - s;
  }
}

}  // namespace kscratch::scheduler
