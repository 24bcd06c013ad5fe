#include "state_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace kscratch::containers {

namespace json = boost::json;

namespace {

std::int64_t to_ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point from_ns(std::int64_t ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns)));
}

std::optional<json::object> read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t num(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return 0;
}

}  // namespace

Status write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  auto tmp = path;
  tmp += fmt::format(".tmp{}", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("write {}: {}", tmp.string(), std::strerror(errno)));
  std::size_t off = 0;
  while (off < content.size()) {
    auto n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(fmt::format("write {}: {}", tmp.string(), std::strerror(e)));
    }
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error(fmt::format("rename {}: {}", path.string(), std::strerror(e)));
  }
  return Ok{};
}

Status write_record(const std::filesystem::path& path, const ContainerRecord& r) {
  json::object labels;
  for (auto& [k, v] : r.labels) labels[k] = v;
  json::object o{{"id", r.id},
                 {"labels", std::move(labels)},
                 {"logPath", r.log_path.string()},
                 {"cgroupsPath", r.cgroups_path},
                 {"createdAt", to_ns(r.created_at)}};
  return write_file_atomically(path, json::serialize(o));
}

std::optional<ContainerRecord> read_record(const std::filesystem::path& path) {
  auto o = read_json(path);
  if (!o) return std::nullopt;
  ContainerRecord r;
  r.id = str(*o, "id");
  if (auto* l = o->if_contains("labels"); l && l->is_object()) {
    for (auto& [k, v] : l->as_object()) {
      if (v.is_string()) r.labels[std::string(k)] = std::string(v.as_string());
    }
  }
  r.log_path = str(*o, "logPath");
  r.cgroups_path = str(*o, "cgroupsPath");
  r.created_at = from_ns(num(*o, "createdAt"));
  return r;
}

Status write_monitor_state(const std::filesystem::path& path, const MonitorState& s) {
  json::object o{{"phase", s.phase},
                 {"monitorPid", s.monitor_pid},
                 {"monitorStartTicks", s.monitor_start_ticks},
                 {"pid", s.pid},
                 {"startedAt", to_ns(s.started_at)},
                 {"finishedAt", to_ns(s.finished_at)},
                 {"exitCode", s.exit_code},
                 {"reason", s.reason},
                 {"message", s.message}};
  return write_file_atomically(path, json::serialize(o));
}

std::optional<MonitorState> read_monitor_state(const std::filesystem::path& path) {
  auto o = read_json(path);
  if (!o) return std::nullopt;
  MonitorState s;
  s.phase = str(*o, "phase");
  s.monitor_pid = static_cast<pid_t>(num(*o, "monitorPid"));
  s.monitor_start_ticks = static_cast<std::uint64_t>(num(*o, "monitorStartTicks"));
  s.pid = static_cast<pid_t>(num(*o, "pid"));
  s.started_at = from_ns(num(*o, "startedAt"));
  s.finished_at = from_ns(num(*o, "finishedAt"));
  s.exit_code = static_cast<int>(num(*o, "exitCode"));
  s.reason = str(*o, "reason");
  s.message = str(*o, "message");
  return s;
}

std::uint64_t process_start_ticks(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  if (!in) return 0;
  std::string line;
  std::getline(in, line);
  // The command name (field 2) may hold spaces and parentheses: fields restart after the
  // last ')'. Then: state (3), ..., starttime (22).
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  rest >> field;
  if (field == "Z" || field == "X") return 0;
  for (int i = 4; i <= 22; ++i) {
    if (!(rest >> field)) return 0;
  }
  try {
    return std::stoull(field);
  } catch (...) {
    return 0;
  }
}

}  // namespace kscratch::containers
