#include "controllers/replicaset/slow_start.h"

#include <algorithm>

namespace kscratch::controllers::replicaset {

std::vector<int> slow_start_batches(int count, int initial_batch_size) {
  std::vector<int> batches;
  int remaining = count;
  for (int size = std::min(remaining, initial_batch_size); size > 0; size = std::min(2 * size, remaining)) {
    batches.push_back(size);
    remaining -= size;
  }
  return batches;
}

int slow_start_batch(int count, int initial_batch_size, const std::function<bool()>& attempt) {
  int successes = 0;
  for (int size : slow_start_batches(count, initial_batch_size)) {
    int failures = 0;
    for (int i = 0; i < size; ++i) {
      if (attempt()) {
        ++successes;
      } else {
        ++failures;
      }
    }
    if (failures > 0) break;
  }
  return successes;
}

}  // namespace kscratch::controllers::replicaset
