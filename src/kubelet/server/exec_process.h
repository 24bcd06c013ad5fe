#pragma once
// The child process behind `kubectl exec`: the runtime's command line (runc exec ...) run
// under a small reaper of our own, so the exit code survives `runc exec --detach` (which
// a terminal needs: runc hands the pty to a console socket only when it detaches, and the
// process it started is then reparented). Like CRI-O's conmon for exec.

#include "kscratch/util/expected.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace kscratch::kubelet {

struct ExecChild {
  pid_t pid = -1;
  int pidfd = -1;       // readable once the reaper has exited
  int stdin_fd = -1;    // our ends, non-blocking; -1 when not wanted
  int stdout_fd = -1;
  int stderr_fd = -1;   // -1 with a tty (output arrives on the pty)
};

// Starts argv. With want_stdin, the child's stdin is a pipe (else /dev/null); stdout and
// stderr are pipes, or, with merge_stderr, both go to the stdout pipe. The reaper's exit
// code is that of the last process it reaped: the command itself, whether runc waited
// for it or detached from it.
Expected<ExecChild> spawn_exec_child(const std::vector<std::string>& argv, bool want_stdin, bool merge_stderr);

// Reaps the exited child (after pidfd became readable): its exit code, 128+signal when it
// was killed, as a shell reports it.
int reap_exec_child(pid_t pid);

// Ends a child whose client went away: SIGKILL to its process group, reaped on a thread
// of its own so the loop never waits.
void abandon_exec_child(pid_t pid);

// A unix socket runc connects to with --console-socket; receive_console() takes the pty
// master from the first message (SCM_RIGHTS) of an accepted connection.
Expected<int> receive_fd(int connected_socket);

}  // namespace kscratch::kubelet
