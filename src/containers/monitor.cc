// `kscratch monitor`: one process per container, CRI-O's conmon in small. It detaches from
// the kubelet (own session, reparented to init), becomes a child subreaper so the
// container's init is reparented to it when `runc create` exits, runs runc create and
// start with the container's stdio on pipes it drains into the CRI log file, and records
// every step and the exit (code, time, OOM) in the state file. It outlives kubelet
// restarts; the state file is how the next kubelet learns what happened.

#include "monitor.h"

#include "cri_log.h"
#include "kscratch/containers/runtime.h"
#include "process.h"
#include "state_files.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>

namespace kscratch::containers {

namespace {

using Clock = std::chrono::system_clock;

struct MonitorArgs {
  std::string id, bundle, runc = "runc", runc_root, log_path, state_file, pid_file, cgroups_path;
  int ready_fd = -1;
  bool tty = false;
};

Expected<MonitorArgs> parse_args(const std::vector<std::string>& args) {
  MonitorArgs a;
  std::map<std::string, std::string*> strings = {
      {"--id", &a.id},           {"--bundle", &a.bundle},         {"--runc", &a.runc},
      {"--runc-root", &a.runc_root}, {"--log-path", &a.log_path}, {"--state-file", &a.state_file},
      {"--pid-file", &a.pid_file}, {"--cgroups-path", &a.cgroups_path}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return make_error(fmt::format("flag {} needs a value", args[i]));
    const auto& value = args[i + 1];
    if (args[i] == "--tty") {
      a.tty = value == "true" || value == "1";
    } else if (args[i] == "--ready-fd") {
      try {
        a.ready_fd = std::stoi(value);
      } catch (...) {
        return make_error(fmt::format("--ready-fd: not a number: {}", value));
      }
    } else if (auto it = strings.find(args[i]); it != strings.end()) {
      *it->second = value;
    } else {
      return make_error(fmt::format("unknown flag {}", args[i]));
    }
    ++i;
  }
  for (auto& [flag, value] : strings) {
    if (value->empty()) return make_error(fmt::format("flag {} is required", flag));
  }
  return a;
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    auto n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk loses output rather than stopping the container
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Whatever is in a pipe now, without waiting for more.
std::string read_available(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  std::string out;
  char buf[8192];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::fcntl(fd, F_SETFL, flags);
  return out;
}

std::string read_to_end(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

// runc create failed: ... arrives as `time="..." level=error msg="..."`.
std::string runc_error_message(const std::string& output) {
  std::string found;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("level=error") == std::string::npos) continue;
    auto pos = line.find("msg=\"");
    if (pos == std::string::npos) continue;
    std::string msg;
    for (auto i = pos + 5; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) ++i;
      msg += line[i];
    }
    found = msg;
  }
  return found.empty() ? trim(output) : found;
}

namespace {

// Processes the kernel's OOM killer killed in the container's memory cgroup (cgroup v1's
// memory.oom_control, or v2's memory.events).
int oom_kills(const std::string& cgroups_path) {
  for (auto [file, key] : {std::pair{"/sys/fs/cgroup/memory" + cgroups_path + "/memory.oom_control", "oom_kill"},
                           std::pair{"/sys/fs/cgroup" + cgroups_path + "/memory.events", "oom_kill"}}) {
    std::ifstream in(file);
    std::string k;
    long long v = 0;
    while (in >> k >> v) {
      if (k == key) return static_cast<int>(v);
    }
  }
  return 0;
}

// With terminal: true runc makes a pseudo-terminal and sends its master end over a unix
// socket (--console-socket); the container's output is read from it.
class ConsoleSocket {
 public:
  ~ConsoleSocket() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Expected<std::string> listen() {
    // A short path: sun_path holds 108 bytes, a state directory may be longer.
    path_ = fmt::format("/tmp/kscratch-console-{}.sock", ::getpid());
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 1) != 0) {
      return make_error(fmt::format("console socket {}: {}", path_, std::strerror(errno)));
    }
    return path_;
  }
  // The terminal's master end, once runc has sent it; -1 if runc (pidfd) ended first.
  int receive(int runc_pidfd) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {runc_pidfd, POLLIN, 0}};
    for (;;) {
      int n = ::poll(fds, 2, 60000);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || !(fds[0].revents & POLLIN)) return -1;
      break;
    }
    int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    // One connection is all there is: the socket file goes now, not when the container ends.
    ::unlink(path_.c_str());
    path_.clear();
    if (conn < 0) return -1;
    char data[256];
    iovec iov{data, sizeof data};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    int master = -1;
    if (::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) > 0) {
      for (auto* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&master, CMSG_DATA(c), sizeof master);
      }
    }
    ::close(conn);
    return master;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

class Monitor {
 public:
  explicit Monitor(MonitorArgs a) : a_(std::move(a)) {}
  int run();

 private:
  int fail(std::string message);
  void ready(const char* what);
  void save() {
    if (auto s = write_monitor_state(a_.state_file, st_); !s) fmt::print(stderr, "monitor: {}\n", s.error().message);
  }
  std::vector<std::string> runc(std::vector<std::string> tail) const {
    std::vector<std::string> argv{a_.runc, "--root", a_.runc_root};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  }
  void drain(pid_t pid, int pidfd, int sigfd, int out, int err, int log);

  MonitorArgs a_;
  MonitorState st_;
};

void Monitor::ready(const char* what) {
  if (a_.ready_fd < 0) return;
  write_all(a_.ready_fd, what);
  ::close(a_.ready_fd);
  a_.ready_fd = -1;
}

int Monitor::fail(std::string message) {
  fmt::print(stderr, "monitor {}: {}\n", a_.id, message);
  st_.phase = "failed";
  st_.message = std::move(message);
  st_.reason = "StartError";
  st_.exit_code = 128;
  st_.finished_at = Clock::now();
  save();
  ready("failed\n");
  return 1;
}

int Monitor::run() {
  st_.phase = "creating";
  st_.monitor_pid = ::getpid();
  st_.monitor_start_ticks = process_start_ticks(st_.monitor_pid);
  save();

  // The container's log: appended to, its directory made if missing.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(a_.log_path).parent_path(), ec);
  int log = ::open(a_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log < 0) return fail(fmt::format("open log {}: {}", a_.log_path, std::strerror(errno)));

  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    return fail(fmt::format("pipe: {}", std::strerror(errno)));
  }
  // runc hands its own stdio to the container (terminal: false).
  ConsoleSocket console;
  process::SpawnOptions create;
  create.argv = runc({"create", "--bundle", a_.bundle, "--pid-file", a_.pid_file});
  if (a_.tty) {
    auto path = console.listen();
    if (!path) return fail(path.error().message);
    create.argv.insert(create.argv.end(), {"--console-socket", *path});
  }
  create.argv.push_back(a_.id);
  create.stdout_fd = out[1];
  create.stderr_fd = err[1];
  auto runc_pid = process::spawn(create);
  ::close(out[1]);
  ::close(err[1]);
  if (!runc_pid) return fail(runc_pid.error().message);
  int terminal = -1;
  if (a_.tty) {
    int runc_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, *runc_pid, 0));
    terminal = console.receive(runc_pidfd);
    if (runc_pidfd >= 0) ::close(runc_pidfd);
  }
  int code = process::wait_blocking(*runc_pid);
  // Until `runc start` the container's process waits inside runc init, so anything on the
  // pipes now is runc's own output.
  auto runc_output = read_available(err[0]) + read_available(out[0]);
  if (code != 0) {
    auto message = runc_error_message(runc_output);
    if (message.empty()) message = fmt::format("runc create exited with code {}", code);
    return fail(message);
  }
  if (!runc_output.empty()) fmt::print(stderr, "monitor {}: runc create: {}\n", a_.id, trim(runc_output));

  pid_t pid = 0;
  {
    std::ifstream in(a_.pid_file);
    in >> pid;
  }
  if (pid <= 0) return fail(fmt::format("runc create wrote no pid to {}", a_.pid_file));
  if (a_.tty && terminal < 0) return fail("runc sent no terminal on the console socket");
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return fail(fmt::format("pidfd_open {}: {}", pid, std::strerror(errno)));

  int start_pipe[2];
  if (::pipe2(start_pipe, O_CLOEXEC) != 0) return fail(fmt::format("pipe: {}", std::strerror(errno)));
  process::SpawnOptions start;
  start.argv = runc({"start", a_.id});
  start.stdout_fd = start_pipe[1];
  start.stderr_fd = start_pipe[1];
  auto start_pid = process::spawn(start);
  ::close(start_pipe[1]);
  if (!start_pid) return fail(start_pid.error().message);
  auto start_output = read_to_end(start_pipe[0]);
  ::close(start_pipe[0]);
  code = process::wait_blocking(*start_pid);
  if (code != 0) {
    auto message = runc_error_message(start_output);
    if (message.empty()) message = fmt::format("runc start exited with code {}", code);
    process::SpawnOptions del;
    del.argv = runc({"delete", "--force", a_.id});
    if (auto d = process::spawn(del)) process::wait_blocking(*d);
    return fail(message);
  }

  st_.phase = "running";
  st_.pid = pid;
  st_.started_at = Clock::now();
  save();
  ready("running\n");

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int sigfd = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (terminal >= 0) {
    // A terminal merges both streams: everything is stdout, as upstream logs it.
    ::close(out[0]);
    ::close(err[0]);
    drain(pid, pidfd, sigfd, terminal, -1, log);
  } else {
    drain(pid, pidfd, sigfd, out[0], err[0], log);
  }

  int ooms = oom_kills(a_.cgroups_path);
  st_.phase = "exited";
  if (ooms > 0) {
    st_.reason = "OOMKilled";
  } else {
    st_.reason = st_.exit_code == 0 ? "Completed" : "Error";
  }
  save();
  return 0;
}

// Copies the container's output into the log until its init has exited and the pipes are
// closed (or a moment after the exit: a process that escaped may hold them forever).
void Monitor::drain(pid_t pid, int pidfd, int sigfd, int out, int err, int log) {
  CriLogFormatter stdout_log("stdout"), stderr_log("stderr");
  pollfd fds[4] = {{out, POLLIN, 0}, {err, POLLIN, 0}, {pidfd, POLLIN, 0}, {sigfd, POLLIN, 0}};
  bool exited = false;
  auto drain_until = std::chrono::steady_clock::time_point::max();
  std::vector<char> buf(65536);
  auto reap = [&] {
    // A subreaper inherits every orphan of the container: reap them all, note init's end.
    for (;;) {
      int status = 0;
      pid_t p = ::waitpid(-1, &status, WNOHANG);
      if (p <= 0) break;
      if (p == pid && !exited) {
        exited = true;
        st_.exit_code = process::exit_code_of(status);
        st_.finished_at = Clock::now();
        drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      }
    }
  };
  for (;;) {
    reap();
    if (exited && fds[0].fd < 0 && fds[1].fd < 0) break;
    if (exited) fds[2].fd = -1;
    int timeout = -1;
    if (exited) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(drain_until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      timeout = static_cast<int>(left.count());
    }
    int n = ::poll(fds, 4, timeout);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto r = ::read(fds[i].fd, buf.data(), buf.size());
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      auto& fmt_ = i == 0 ? stdout_log : stderr_log;
      if (r <= 0) {
        write_all(log, fmt_.finish(Clock::now()));
        ::close(fds[i].fd);
        fds[i].fd = -1;
        continue;
      }
      write_all(log, fmt_.feed(std::string_view(buf.data(), static_cast<std::size_t>(r)), Clock::now()));
    }
    if (fds[3].fd >= 0 && (fds[3].revents & POLLIN)) {
      signalfd_siginfo info;
      while (::read(fds[3].fd, &info, sizeof info) == sizeof info) {
      }
    }
    if (fds[2].fd >= 0 && (fds[2].revents & POLLIN)) {
      reap();
      if (!exited) {
        // Exited but not our child to reap: the code is lost.
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) < 0 && errno == ECHILD) {
          exited = true;
          st_.exit_code = 255;
          st_.message = "the container's process was not the monitor's child; its exit code is unknown";
          st_.finished_at = Clock::now();
          drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        }
      }
    }
  }
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd >= 0) {
      write_all(log, (i == 0 ? stdout_log : stderr_log).finish(Clock::now()));
      ::close(fds[i].fd);
    }
  }
  ::close(log);
}

}  // namespace

int run_monitor(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    fmt::print(
        "Usage: kscratch monitor --id ID --bundle DIR --runc-root DIR --log-path FILE --state-file FILE\n"
        "         --pid-file FILE --cgroups-path PATH [--runc PATH] [--ready-fd N] [--tty true]\n\n"
        "The per-container monitor the kubelet starts (not for users).\n");
    return 0;
  }
  auto parsed = parse_args(args);
  if (!parsed) {
    fmt::print(stderr, "kscratch monitor: {}\n", parsed.error().message);
    return 2;
  }
  // Detach: the kubelet reaps this first process at once; the monitor proper is its child,
  // reparented to init, in a session of its own, so it outlives the kubelet.
  pid_t child = ::fork();
  if (child < 0) {
    fmt::print(stderr, "kscratch monitor: fork: {}\n", std::strerror(errno));
    return 1;
  }
  if (child > 0) ::_exit(0);
  ::setsid();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  // SIGCHLD arrives through a signalfd once the container runs; blocked from now on so none
  // is lost (the children the monitor spawns get a clean mask).
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, nullptr);
  if (parsed->ready_fd >= 0) ::fcntl(parsed->ready_fd, F_SETFD, FD_CLOEXEC);
  Monitor m(std::move(parsed.value()));
  int rc = m.run();
  std::fflush(nullptr);
  ::_exit(rc);
}

}  // namespace kscratch::containers
