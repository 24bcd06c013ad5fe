// HumanDuration and ShortHumanDuration, ported from upstream's pkg/util/duration.

#include <fmt/format.h>

#include "kscratch/apimachinery/duration.h"

namespace kscratch::apimachinery::duration {
namespace {
constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
}  // namespace

std::string human_duration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  // Integer division truncates toward zero like Go's int(d.Seconds()).
  const int64_t seconds = ns / kSecond;
  // Up to 2 seconds (exclusive) of clock skew counts as "now".
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return fmt::format("{}s", seconds);
  const int64_t minutes = ns / kMinute;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, s);
  }
  if (minutes < 60 * 3) return fmt::format("{}m", minutes);
  const int64_t hours = ns / kHour;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, m);
  }
  if (hours < 48) return fmt::format("{}h", hours);
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? fmt::format("{}d", hours / 24) : fmt::format("{}d{}h", hours / 24, h);
  }
  if (hours < 24 * 365 * 2) return fmt::format("{}d", hours / 24);
  if (hours < 24 * 365 * 8) {
    int64_t dy = (hours / 24) % 365;
    return dy == 0 ? fmt::format("{}y", hours / 24 / 365) : fmt::format("{}y{}d", hours / 24 / 365, dy);
  }
  return fmt::format("{}y", hours / 24 / 365);
}

std::string short_human_duration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  const int64_t seconds = ns / kSecond;
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return fmt::format("{}s", seconds);
  const int64_t minutes = ns / kMinute;
  if (minutes < 60) return fmt::format("{}m", minutes);
  const int64_t hours = ns / kHour;
  if (hours < 24) return fmt::format("{}h", hours);
  if (hours < 24 * 365) return fmt::format("{}d", hours / 24);
  return fmt::format("{}y", hours / 24 / 365);
}

}  // namespace kscratch::apimachinery::duration
