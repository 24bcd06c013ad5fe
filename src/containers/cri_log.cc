#include "cri_log.h"

#include <ctime>
#include <fmt/format.h>

namespace kscratch::containers {

std::string format_rfc3339_nano(std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ns / 1'000'000'000);
  auto frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void CriLogFormatter::emit(std::string& out, std::string_view content, char tag, const std::string& timestamp) const {
  out += timestamp;
  out += ' ';
  out += stream_;
  out += ' ';
  out += tag;
  out += ' ';
  out += content;
  out += '\n';
}

std::string CriLogFormatter::feed(std::string_view data, std::chrono::system_clock::time_point now) {
  std::string out;
  std::string timestamp;
  pending_.append(data);
  std::size_t start = 0;
  for (;;) {
    auto nl = pending_.find('\n', start);
    std::size_t line_end = nl == std::string::npos ? pending_.size() : nl;
    if (line_end - start >= kMaxLine) {
      // Longer than a log line may be: write its first 16 KiB as a piece and go on.
      if (timestamp.empty()) timestamp = format_rfc3339_nano(now);
      emit(out, std::string_view(pending_).substr(start, kMaxLine), 'P', timestamp);
      start += kMaxLine;
      continue;
    }
    if (nl == std::string::npos) break;
    if (timestamp.empty()) timestamp = format_rfc3339_nano(now);
    emit(out, std::string_view(pending_).substr(start, nl - start), 'F', timestamp);
    start = nl + 1;
  }
  pending_.erase(0, start);
  return out;
}

std::string CriLogFormatter::finish(std::chrono::system_clock::time_point now) {
  std::string out;
  if (!pending_.empty()) emit(out, pending_, 'P', format_rfc3339_nano(now));
  pending_.clear();
  return out;
}

}  // namespace kscratch::containers
