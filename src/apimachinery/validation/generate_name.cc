// metadata.generateName support, as upstream's names.SimpleNameGenerator.

#include <mutex>
#include <random>

#include "kscratch/apimachinery/validation.h"

namespace kscratch::apimachinery::validation {

std::string generate_name(std::string_view base, const std::function<size_t(size_t)>& random_index) {
  std::string name(base.substr(0, kMaxGeneratedNameBaseLength));
  for (size_t i = 0; i < kGeneratedNameRandomLength; ++i) {
    // A broken source must not index out of the alphabet.
    name += kGeneratedNameAlphabet[random_index(kGeneratedNameAlphabet.size()) % kGeneratedNameAlphabet.size()];
  }
  return name;
}

std::string generate_name(std::string_view base) {
  // One seeded engine for the process; the mutex makes concurrent handlers safe.
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  return generate_name(base, [](size_t n) {
    std::lock_guard<std::mutex> lock(mutex);
    return std::uniform_int_distribution<size_t>(0, n - 1)(engine);
  });
}

}  // namespace kscratch::apimachinery::validation
