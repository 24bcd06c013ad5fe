#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <memory>

extern char** environ;

namespace kscratch::containers::process {

namespace asio = boost::asio;

namespace {

std::string errno_text(int e) { return std::strerror(e); }

// Owns posix_spawn's attribute and file-action objects.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

Expected<pid_t> spawn(const SpawnOptions& o) {
  if (o.argv.empty()) return make_error("spawn: empty command");
  SpawnSetup s;
  // Sources are first copied above every target number, so that one dup2 in the child
  // never overwrites the source of another.
  std::vector<int> copies;
  auto cleanup = [&] {
    for (int fd : copies) ::close(fd);
  };
  int highest_target = 2;
  auto place = [&](int src, int target, const char* null_mode) -> bool {
    if (src < 0) {
      int flags = null_mode[0] == 'r' ? O_RDONLY : O_WRONLY;
      return posix_spawn_file_actions_addopen(&s.actions, target, "/dev/null", flags, 0) == 0;
    }
    int copy = ::fcntl(src, F_DUPFD_CLOEXEC, 64);
    if (copy < 0) return false;
    copies.push_back(copy);
    highest_target = std::max(highest_target, target);
    return posix_spawn_file_actions_adddup2(&s.actions, copy, target) == 0;
  };
  bool ok = place(o.stdin_fd, 0, "r") && place(o.stdout_fd, 1, "w") && place(o.stderr_fd, 2, "w");
  for (auto& [src, target] : o.extra_fds) ok = ok && place(src, target, "w");
  if (!ok) {
    int e = errno;
    cleanup();
    return make_error(fmt::format("spawn {}: preparing fds: {}", o.argv[0], errno_text(e)));
  }
  posix_spawn_file_actions_addclosefrom_np(&s.actions, highest_target + 1);
  // Ignored signals stay ignored across exec (SIGPIPE, in a process with sockets): reset
  // every disposition and the mask, so containers start as from a shell.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(), environ);
  cleanup();
  if (rc != 0) return make_error(fmt::format("spawn {}: {}", o.argv[0], errno_text(rc)));
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int wait_blocking(pid_t pid) {
  int status = 0;
  for (;;) {
    if (::waitpid(pid, &status, 0) == pid) return exit_code_of(status);
    if (errno != EINTR) return -1;
  }
}

namespace {

// Reaps a child in the background (after the caller stopped waiting for it).
asio::awaitable<void> reap_later(pid_t pid) { (void)co_await wait_exit(pid); }

struct RunState {
  RunState(asio::any_io_executor ex, int pipe_fd) : pipe(ex, pipe_fd), wake(ex), deadline(ex) {}
  asio::posix::stream_descriptor pipe;
  asio::steady_timer wake;
  asio::steady_timer deadline;
  std::string output;
  std::size_t cap = 0;
  bool eof = false;
  bool timed_out = false;
};

asio::awaitable<void> read_output(std::shared_ptr<RunState> s) {
  std::array<char, 16384> buf;
  for (;;) {
    auto [ec, n] = co_await s->pipe.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (n > 0 && s->output.size() < s->cap) s->output.append(buf.data(), std::min(n, s->cap - s->output.size()));
    if (ec) break;
  }
  s->eof = true;
  s->wake.cancel();
}

}  // namespace

asio::awaitable<Expected<int>> wait_exit(pid_t pid) {
  auto ex = co_await asio::this_coro::executor;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int e = errno;
    co_return make_error(fmt::format("pidfd_open {}: {}", pid, errno_text(e)));
  }
  asio::posix::stream_descriptor fd(ex, pidfd);
  // A pidfd polls readable once the process has exited.
  auto [ec] = co_await fd.async_wait(asio::posix::stream_descriptor::wait_read, asio::as_tuple(asio::use_awaitable));
  if (ec) {
    // Cancelled: whoever waited no longer does; reap the child later so it is no zombie.
    asio::co_spawn(ex, reap_later(pid), asio::detached);
    throw boost::system::system_error(ec);
  }
  // It has exited, so this wait returns at once.
  int status = 0;
  pid_t got = -1;
  do {
    got = ::waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got != pid) {
    int e = errno;
    co_return make_error(fmt::format("waitpid {}: {}", pid, errno_text(e)));
  }
  co_return exit_code_of(status);
}

asio::awaitable<Expected<RunResult>> run(const std::vector<std::string>& argv, const RunOptions& options) {
  auto ex = co_await asio::this_coro::executor;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    int e = errno;
    co_return make_error(fmt::format("pipe: {}", errno_text(e)));
  }
  SpawnOptions so;
  so.argv = argv;
  so.stdout_fd = fds[1];
  so.stderr_fd = fds[1];
  auto pid = spawn(so);
  ::close(fds[1]);
  if (!pid) {
    ::close(fds[0]);
    co_return pid.error();
  }
  auto state = std::make_shared<RunState>(ex, fds[0]);
  state->cap = options.output_cap;
  asio::co_spawn(ex, read_output(state), asio::detached);
  if (options.timeout.count() > 0) {
    state->deadline.expires_after(options.timeout);
    state->deadline.async_wait([state, child = *pid, on_timeout = options.on_timeout](boost::system::error_code ec) {
      if (ec) return;
      state->timed_out = true;
      if (on_timeout) on_timeout();
      ::kill(child, SIGKILL);
    });
  }
  auto code = co_await wait_exit(*pid);
  state->deadline.cancel();
  if (!code) {
    state->pipe.close();
    co_return code.error();
  }
  // The output ends when every writer closed the pipe; a daemon the command left behind
  // may hold it forever, so wait a moment only.
  if (!state->eof) {
    state->wake.expires_after(std::chrono::milliseconds(200));
    (void)co_await state->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  boost::system::error_code ignored;
  state->pipe.close(ignored);
  RunResult result;
  result.exit_code = *code;
  result.output = std::move(state->output);
  result.timed_out = state->timed_out;
  co_return result;
}

}  // namespace kscratch::containers::process
