#include "kscratch/util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace kscratch::log {
namespace {

std::atomic<int> verbosity{0};
std::mutex write_mutex;

int threshold(Level level) {
  switch (level) {
    case Level::error:
    case Level::warning:
    case Level::info: return 0;
    case Level::debug: return 2;
    case Level::trace: return 4;
  }
  return 0;
}

char letter(Level level) {
  constexpr char letters[] = {'E', 'W', 'I', 'D', 'T'};
  return letters[static_cast<int>(level)];
}

}  // namespace

void set_verbosity(int v) { verbosity.store(v, std::memory_order_relaxed); }

bool enabled(Level level) { return threshold(level) <= verbosity.load(std::memory_order_relaxed); }

void write(Level level, std::string_view component, std::string_view message) {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  auto line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {} {}] {}\n",
                          utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                          utc.tm_min, utc.tm_sec, millis, letter(level), component, message);
  std::lock_guard lock(write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace kscratch::log
