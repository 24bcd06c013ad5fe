#pragma once
// The CRI log format the kubelet reads back for `kubectl logs`: one line per line of output,
//   2026-11-27T09:40:26.123456789Z stdout F hello
// with F for a full line and P for a piece of a longer one (a line over 16 KiB is split,
// and output that ends without a newline is written as P).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace kscratch::containers {

// RFC 3339 with nanoseconds in UTC, nine digits always (containerd's form).
std::string format_rfc3339_nano(std::chrono::system_clock::time_point t);

// Turns one stream's bytes into CRI log lines, keeping an unfinished line until its end.
class CriLogFormatter {
 public:
  static constexpr std::size_t kMaxLine = 16 * 1024;

  explicit CriLogFormatter(std::string stream) : stream_(std::move(stream)) {}

  // The log lines the data completes (possibly none).
  std::string feed(std::string_view data, std::chrono::system_clock::time_point now);
  // At the end of the stream: what is left, as a partial line.
  std::string finish(std::chrono::system_clock::time_point now);

 private:
  void emit(std::string& out, std::string_view content, char tag, const std::string& timestamp) const;

  std::string stream_;
  std::string pending_;
};

}  // namespace kscratch::containers
