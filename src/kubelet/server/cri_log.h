#pragma once
// The CRI log format and what `kubectl logs` makes of it (upstream's
// pkg/kubelet/kuberuntime/logs). Each line of a container's log file reads
//   <RFC3339Nano time> <stdout|stderr> <F|P> <content>
// where P marks a partial line continued by the next one. Pure functions and a formatter
// fed incrementally, so following a growing file and reading it whole share one path.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kscratch::kubelet::logs {

using Clock = std::chrono::system_clock;
using Nanos = std::chrono::time_point<Clock, std::chrono::nanoseconds>;

// A time as written in the log, with the offset it was written in (kept for output, as
// upstream formats the parsed time in its own location).
struct Timestamp {
  Nanos time;
  int offset_minutes = 0;
};

// RFC 3339 with optional fractional seconds ("2026-11-27T09:40:26.5Z", "...+01:00").
std::optional<Timestamp> parse_rfc3339(std::string_view text);
// Go's time.RFC3339Nano: fraction without trailing zeros, "Z" for UTC.
std::string format_rfc3339nano(const Timestamp& t);

struct LogLine {
  Timestamp timestamp;
  std::string_view stream;  // "stdout" or "stderr"
  bool partial = false;
  std::string_view content;
};

// One line of the file, without its newline; nullopt when it is not in the CRI format.
std::optional<LogLine> parse_line(std::string_view line);

struct LogOptions {
  bool follow = false;
  bool timestamps = false;
  bool previous = false;
  std::optional<std::int64_t> tail_lines;
  std::optional<Nanos> since;  // sinceSeconds or sinceTime, resolved
  std::optional<std::int64_t> limit_bytes;
};

// The byte offset in `content` (the tail of a file that starts at file offset `base`)
// from where the last `lines` log lines begin, or nullopt when `content` holds fewer
// complete lines than that (read further back). A line ends at an F record, so a line
// written in P parts counts once.
std::optional<std::size_t> tail_start(std::string_view content, std::int64_t lines);

// Turns file bytes into what the client sees: content with newlines restored, partial
// records joined, optional timestamps, the since filter and the byte limit.
class Formatter {
 public:
  explicit Formatter(const LogOptions& options) : options_(options) {}
  // Consumes the complete lines at the start of `data` and returns their output; the
  // bytes of an unfinished last line stay in `data` for the next call.
  std::string feed(std::string& data);
  // True once limitBytes has been reached: nothing more will be written.
  bool exhausted() const { return exhausted_; }

 private:
  void emit(std::string& out, std::string_view bytes);

  LogOptions options_;
  bool at_line_start_ = true;
  bool skipping_ = false;  // the current line is older than `since`
  std::int64_t written_ = 0;
  bool exhausted_ = false;
};

}  // namespace kscratch::kubelet::logs
