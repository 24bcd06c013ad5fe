#include "exec_process.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace kscratch::kubelet {

namespace {

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

struct Pipe {
  int read = -1, write = -1;
  ~Pipe() {
    close_fd(read);
    close_fd(write);
  }
};

Status make_pipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error{fmt::format("pipe: {}", std::strerror(errno))};
  p.read = fds[0];
  p.write = fds[1];
  return Ok{};
}

// Runs in the forked child: only async-signal-safe calls until execvp.
[[noreturn]] void run_reaper(char* const* argv, int in, int out, int err) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  // Its own process group, so abandon_exec_child reaches runc too.
  setpgid(0, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) _exit(126);
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  pid_t runner = fork();
  if (runner < 0) _exit(126);
  if (runner == 0) {
    execvp(argv[0], argv);
    const char msg[] = "exec: cannot run the command\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  // The reaper keeps no stdio of its own open: the readers see EOF once the command's
  // processes are done with them.
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    if (devnull > 2) close(devnull);
  }
  int code = 127;
  for (;;) {
    int status = 0;
    pid_t p = waitpid(-1, &status, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      break;
    }
    code = exit_code_of(status);
  }
  _exit(code);
}

}  // namespace

Expected<ExecChild> spawn_exec_child(const std::vector<std::string>& argv, bool want_stdin, bool merge_stderr) {
  if (argv.empty()) return Error{"exec: empty command line"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  Pipe in, out, err;
  if (want_stdin) {
    if (Status s = make_pipe(in); !s) return s.error();
  } else {
    in.read = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in.read < 0) return Error{fmt::format("open /dev/null: {}", std::strerror(errno))};
  }
  if (Status s = make_pipe(out); !s) return s.error();
  if (!merge_stderr) {
    if (Status s = make_pipe(err); !s) return s.error();
  }
  pid_t pid = ::fork();
  if (pid < 0) return Error{fmt::format("fork: {}", std::strerror(errno))};
  if (pid == 0) run_reaper(args.data(), in.read, out.write, merge_stderr ? out.write : err.write);

  ExecChild child;
  child.pid = pid;
  child.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (child.pidfd < 0) {
    int e = errno;
    abandon_exec_child(pid);
    return Error{fmt::format("pidfd_open: {}", std::strerror(e))};
  }
  ::fcntl(child.pidfd, F_SETFD, FD_CLOEXEC);
  auto take = [](int& fd) {
    int f = fd;
    fd = -1;
    ::fcntl(f, F_SETFL, ::fcntl(f, F_GETFL) | O_NONBLOCK);
    return f;
  };
  if (want_stdin) child.stdin_fd = take(in.write);
  child.stdout_fd = take(out.read);
  if (!merge_stderr) child.stderr_fd = take(err.read);
  return child;
}

int reap_exec_child(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t p = ::waitpid(pid, &status, WNOHANG);
    if (p == pid) return exit_code_of(status);
    if (p < 0 && errno == EINTR) continue;
    return -1;
  }
}

void abandon_exec_child(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  std::thread([pid] {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }).detach();
}

Expected<int> receive_fd(int socket) {
  char data[256];
  iovec iov{data, sizeof data};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) return Error{fmt::format("console socket: recvmsg: {}", std::strerror(errno))};
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  return Error{"console socket: the message carried no file descriptor"};
}

}  // namespace kscratch::kubelet
