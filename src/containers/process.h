#pragma once
// Child processes without blocking the loop: posix_spawn (vfork-fast, safe in a threaded
// process, every inherited fd closed, signal dispositions and mask reset) and an exit
// wait on a pidfd that the io_context polls like a socket.

#include "kscratch/util/expected.h"

#include <sys/types.h>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kscratch::containers::process {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;             // -1: /dev/null
  int stderr_fd = -1;             // -1: /dev/null
  // More fds for the child: (fd here, fd number in the child), numbers from 3 up.
  std::vector<std::pair<int, int>> extra_fds;
};

// Starts the process; every other fd of ours is closed in it.
Expected<pid_t> spawn(const SpawnOptions& options);

// The exit code of a wait status: the code, or 128 + the signal number.
int exit_code_of(int wait_status);

// Waits, blocking, for a child; its exit code.
int wait_blocking(pid_t pid);

struct RunOptions {
  std::chrono::milliseconds timeout{0};  // 0: none
  std::size_t output_cap = 1 << 20;     // bytes kept of stdout+stderr; the rest is read and dropped
  std::function<void()> on_timeout;      // called before the child gets SIGKILL on timeout
};

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved as written
  bool timed_out = false;
};

// Runs argv to its end with stdout and stderr captured; suspends the caller only.
boost::asio::awaitable<Expected<RunResult>> run(const std::vector<std::string>& argv, const RunOptions& options);

// Suspends until the child pid exits and reaps it; its exit code.
boost::asio::awaitable<Expected<int>> wait_exit(pid_t pid);

}  // namespace kscratch::containers::process
