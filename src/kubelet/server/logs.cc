// GET /containerLogs/{namespace}/{pod}/{container}: the container's CRI log file, shaped by
// the query as upstream's kubelet does (tailLines, sinceSeconds/sinceTime, timestamps,
// limitBytes, previous), and followed as it grows with follow=true.

#include "cri_log.h"
#include "session.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <variant>

namespace kscratch::kubelet::server {

using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kIoTimeout = std::chrono::seconds(30);
// How often a followed file is checked for new lines (upstream uses inotify; a short poll
// costs little and needs no watch descriptors).
constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr std::size_t kReadSize = 64 * 1024;

bool truthy(const std::string& v) { return v == "true" || v == "1"; }

std::optional<std::int64_t> parse_int(const std::string& v) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return out;
}

// The query as LogOptions, or the text of a 400.
std::variant<logs::LogOptions, std::string> parse_options(const Target& t) {
  logs::LogOptions o;
  o.follow = truthy(t.param("follow"));
  o.previous = truthy(t.param("previous"));
  o.timestamps = truthy(t.param("timestamps"));
  if (auto v = t.param("tailLines"); !v.empty()) {
    auto n = parse_int(v);
    if (!n || *n < 0) return "tailLines: must be a non-negative integer: " + v;
    o.tail_lines = *n;
  }
  if (auto v = t.param("limitBytes"); !v.empty()) {
    auto n = parse_int(v);
    if (!n || *n < 1) return "limitBytes: must be greater than 0: " + v;
    o.limit_bytes = *n;
  }
  if (auto v = t.param("sinceSeconds"); !v.empty()) {
    auto n = parse_int(v);
    if (!n || *n < 1) return "sinceSeconds: must be greater than 0: " + v;
    o.since = std::chrono::time_point_cast<std::chrono::nanoseconds>(logs::Clock::now()) - std::chrono::seconds(*n);
  }
  if (auto v = t.param("sinceTime"); !v.empty()) {
    auto ts = logs::parse_rfc3339(v);
    if (!ts) return "sinceTime: not an RFC 3339 time: " + v;
    o.since = ts->time;
  }
  return o;
}

// A file descriptor closed with its owner.
struct File {
  int fd = -1;
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads up to `size` bytes at `offset` (a page-cache read: short enough for the loop).
std::string read_at(int fd, std::uint64_t offset, std::size_t size) {
  std::string out(size, '\0');
  ssize_t n = ::pread(fd, out.data(), size, static_cast<off_t>(offset));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

// Where to start reading for tailLines: blocks from the end, growing until they hold
// enough lines or reach the start of the file.
std::uint64_t tail_offset(int fd, std::int64_t lines) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return 0;
  auto size = static_cast<std::uint64_t>(st.st_size);
  for (std::uint64_t block = kReadSize;; block *= 4) {
    std::uint64_t begin = block >= size ? 0 : size - block;
    std::string content = read_at(fd, begin, static_cast<std::size_t>(size - begin));
    if (auto start = logs::tail_start(content, lines)) return begin + *start;
    if (begin == 0) return 0;
  }
}

bool still_running(containers::Runtime& runtime, const std::string& id) {
  auto status = runtime.status(id);
  return status && (status->state == containers::State::running || status->state == containers::State::created);
}

asio::awaitable<void> wait_closed(TlsStream& stream) {
  std::array<char, 512> sink;
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) co_return;
  }
}

// The body: chunks of formatted log until the end of the file (or, following, until the
// container has exited and its file is drained).
asio::awaitable<void> stream_body(TlsStream& stream, File& file, const std::filesystem::path& path,
                                  std::uint64_t offset, const logs::LogOptions& options, containers::Runtime& runtime,
                                  const std::string& container_id) {
  logs::Formatter formatter(options);
  std::string pending;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  bool exited = !options.follow;
  for (;;) {
    // The runtime creates the file with the container: until then, there is nothing.
    if (file.fd < 0) file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    std::string data = file.fd >= 0 ? read_at(file.fd, offset, kReadSize) : std::string();
    offset += data.size();
    pending += data;
    std::string out = formatter.feed(pending);
    if (!out.empty()) {
      beast::get_lowest_layer(stream).expires_after(kIoTimeout);
      auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(out)), kTuple);
      if (ec) co_return;
    }
    if (formatter.exhausted()) break;
    if (!data.empty()) continue;
    // At the end of the file: done unless following a container that may still write.
    if (exited) break;
    exited = !still_running(runtime, container_id);
    // One more read after the exit is seen picks up what was written before it.
    if (exited) continue;
    timer.expires_after(kPollInterval);
    co_await timer.async_wait(asio::use_awaitable);
  }
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
}

}  // namespace

asio::awaitable<bool> serve_logs(TlsStream& stream, const HttpRequest& request, const Target& target,
                                 const ContainerDirectory& directory, containers::Runtime& runtime) {
  auto parsed = parse_options(target);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    co_return co_await send_text(stream, request, bhttp::status::bad_request, *error);
  }
  auto options = std::get<logs::LogOptions>(parsed);
  auto location = directory.find(target.ns, target.pod, target.container, options.previous);
  if (!location) {
    std::string text = options.previous
                           ? fmt::format("previous terminated container \"{}\" in pod \"{}\" not found",
                                         target.container, target.pod)
                           : fmt::format("container \"{}\" in pod \"{}\" not found", target.container, target.pod);
    auto status = options.previous ? bhttp::status::bad_request : bhttp::status::not_found;
    co_return co_await send_text(stream, request, status, text);
  }
  File file;
  file.fd = ::open(location->log_path.c_str(), O_RDONLY | O_CLOEXEC);
  // A container that has not written yet may have no file: that is an empty log.
  if (file.fd < 0 && errno != ENOENT) {
    std::string text = fmt::format("failed to open log file {}: {}", location->log_path.string(), std::strerror(errno));
    co_return co_await send_text(stream, request, bhttp::status::internal_server_error, text);
  }
  std::uint64_t offset = 0;
  if (options.tail_lines && file.fd >= 0) offset = tail_offset(file.fd, *options.tail_lines);

  // A stream ends its connection, as in the apiserver: a read that completes while it runs
  // means the client has gone, which ends a follow at once.
  bhttp::response<bhttp::empty_body> res{bhttp::status::ok, request.version()};
  res.set(bhttp::field::content_type, "text/plain");
  res.chunked(true);
  res.keep_alive(false);
  bhttp::response_serializer<bhttp::empty_body> sr{res};
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kTuple);
  if (ec) co_return false;
  // A follow may leave the file without new lines for a long time: without a read
  // deadline the client-gone read waits as long as needed; writes set their own.
  beast::get_lowest_layer(stream).expires_never();
  co_await (stream_body(stream, file, location->log_path, offset, options, runtime, location->container_id) ||
            wait_closed(stream));
  co_return false;
}

}  // namespace kscratch::kubelet::server
