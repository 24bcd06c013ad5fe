// The runtime: runc under a monitor per container (see monitor.cc). Everything a container
// is lives in <state_dir>/<id>/: config.json (the OCI bundle), rootfs/ (the overlay mount)
// with upper/ and work/, container.json (what the kubelet asked for), state.json (what the
// monitor saw) and monitor.log (the monitor's own messages). Reading those is list().

#include "bundle.h"
#include "kscratch/containers/runtime.h"
#include "kscratch/util/log.h"
#include "overlay.h"
#include "process.h"
#include "state_files.h"
#include "user_lookup.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace kscratch::containers {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Container ids name directories and runc containers: a conservative alphabet.
Status check_id(const std::string& id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return make_error(fmt::format("invalid container id '{}'", id));
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return make_error(fmt::format("invalid container id '{}'", id));
    }
  }
  return Ok{};
}

std::string read_text(const fs::path& path, std::size_t cap = 64 * 1024) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.size() > cap) s.erase(0, s.size() - cap);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

bool says_gone(const std::string& runc_output) {
  return runc_output.find("does not exist") != std::string::npos ||
         runc_output.find("not running") != std::string::npos ||
         runc_output.find("container not running") != std::string::npos;
}

// Removes the cgroup directories under dir, deepest first (the files in them are not
// removable and need not be).
void rmdir_tree(const fs::path& dir, std::vector<std::string>& errors) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) rmdir_tree(it->path(), errors);
  }
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    errors.push_back(fmt::format("rmdir {}: {}", dir.string(), std::strerror(errno)));
  }
}

class RuncRuntime final : public Runtime {
 public:
  RuncRuntime(asio::any_io_executor executor, RuntimeOptions options)
      : executor_(std::move(executor)), options_(std::move(options)), pool_(1) {
    if (options_.self_exe.empty()) options_.self_exe = fs::read_symlink("/proc/self/exe");
    std::error_code ec;
    fs::create_directories(options_.state_dir, ec);
    fs::create_directories(options_.runc_root, ec);
  }
  ~RuncRuntime() override { pool_.join(); }

  asio::awaitable<Expected<ContainerStatus>> start(const ContainerSpec& spec) override;
  asio::awaitable<Status> stop(const std::string& id, std::chrono::seconds grace) override;
  asio::awaitable<Status> remove(const std::string& id) override;
  std::vector<ContainerStatus> list() const override;
  std::optional<ContainerStatus> status(const std::string& id) const override;
  asio::awaitable<ExecResult> exec(const std::string& id, const std::vector<std::string>& command,
                                   std::chrono::milliseconds timeout) override;
  std::vector<std::string> exec_command_line(const std::string& id, const std::vector<std::string>& command, bool tty,
                                             const std::string& console_socket) const override;
  Status remove_pod_cgroup(const std::string& cgroup_parent) override;

 private:
  fs::path dir(const std::string& id) const { return options_.state_dir / id; }
  std::vector<std::string> runc(std::vector<std::string> tail) const {
    std::vector<std::string> argv{options_.runc, "--root", options_.runc_root.string()};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  }
  std::optional<ContainerStatus> status_in(const fs::path& d) const;
  bool monitor_alive(const MonitorState& s) const {
    return s.monitor_pid > 0 && s.monitor_start_ticks != 0 && process_start_ticks(s.monitor_pid) == s.monitor_start_ticks;
  }
  Expected<ContainerRecord> prepare(const ContainerSpec& spec) const;
  Status discard(const std::string& id) const;
  asio::awaitable<Expected<std::string>> run_monitor_process(const ContainerSpec& spec, const ContainerRecord& record);
  asio::awaitable<bool> wait_exited(const std::string& id, std::chrono::milliseconds limit);
  asio::awaitable<void> wait_monitor_gone(const std::string& id, std::chrono::milliseconds limit);

  // Runs blocking work (mounts, directory trees) on the helper thread; resumes on the loop.
  // f is taken by reference to a named object (g++ 12 mishandles closures holding strings
  // passed by value into coroutines); it lives in the suspended caller's frame.
  template <class F>
  asio::awaitable<std::invoke_result_t<F>> blocking(const F& f) {
    using R = std::invoke_result_t<F>;
    std::optional<R> result;
    co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
        [this, &f, &result](auto handler) {
          // The loop must not run out of work (and return) while the job runs elsewhere.
          auto work = asio::make_work_guard(asio::get_associated_executor(handler));
          asio::post(pool_, [&f, &result, handler = std::move(handler), work = std::move(work)]() mutable {
            try {
              result.emplace(f());
            } catch (const std::exception& e) {
              result.emplace(make_error(e.what()));  // never lose the loop's coroutine to a throw
            }
            auto ex = asio::get_associated_executor(handler);
            asio::post(ex, std::move(handler));
            work.reset();
          });
        },
        asio::use_awaitable);
    co_return std::move(*result);
  }

  asio::any_io_executor executor_;
  RuntimeOptions options_;
  asio::thread_pool pool_;
  std::uint64_t exec_counter_ = 0;
};

Expected<ContainerRecord> RuncRuntime::prepare(const ContainerSpec& spec) const {
  auto d = dir(spec.id);
  std::error_code ec;
  if (fs::exists(d, ec)) return make_error(fmt::format("container {} already exists", spec.id));
  fs::create_directories(d, ec);
  if (ec) return make_error(fmt::format("mkdir {}: {}", d.string(), ec.message()));
  auto undo = [&](Error e) -> Error {
    (void)discard(spec.id);
    return e;
  };
  if (auto m = mount_overlay(spec.image_layers, d); !m) return undo(m.error());
  auto rootfs = d / "rootfs";

  UserInputs who{spec.image_user, spec.security.run_as_user, spec.security.run_as_group,
                 spec.security.supplemental_groups};
  auto user = resolve_user(who, read_file_in_root(rootfs, "etc/passwd"), read_file_in_root(rootfs, "etc/group"));
  if (!user) return undo(user.error());

  BundleInputs inputs{rootfs, *user, {}, container_nofile_limit(), current_capabilities()};
  if (spec.security.privileged) inputs.host_devices = list_host_devices();
  auto config = make_oci_config(spec, inputs);
  if (auto w = write_file_atomically(d / "config.json", boost::json::serialize(config)); !w) return undo(w.error());

  ContainerRecord record;
  record.id = spec.id;
  record.labels = spec.labels;
  record.log_path = spec.log_path;
  record.cgroups_path = std::string(config["linux"].as_object()["cgroupsPath"].as_string());
  record.created_at = std::chrono::system_clock::now();
  if (auto w = write_record(d / "container.json", record); !w) return undo(w.error());
  return record;
}

// Unmounts the root and removes the container's directory. Never removes through a
// mounted root: that would delete the image's shared layers.
Status RuncRuntime::discard(const std::string& id) const {
  auto d = dir(id);
  if (auto u = unmount(d / "rootfs"); !u) return u;
  std::error_code ec;
  fs::remove_all(d, ec);
  if (ec) return make_error(fmt::format("remove {}: {}", d.string(), ec.message()));
  return Ok{};
}

// Starts `kscratch monitor` for the container and waits, without blocking the loop, until
// it reports the container running or failed: it writes one line on a pipe we read.
asio::awaitable<Expected<std::string>> RuncRuntime::run_monitor_process(const ContainerSpec& spec,
                                                                          const ContainerRecord& record) {
  auto d = dir(spec.id);
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) co_return make_error(fmt::format("pipe: {}", std::strerror(errno)));
  auto monitor_log = d / "monitor.log";
  int log_fd = ::open(monitor_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  process::SpawnOptions so;
  so.argv = {options_.self_exe.string(),
             "monitor",
             "--id",
             spec.id,
             "--bundle",
             d.string(),
             "--runc",
             options_.runc,
             "--runc-root",
             options_.runc_root.string(),
             "--log-path",
             spec.log_path.empty() ? std::string("/dev/null") : spec.log_path.string(),
             "--state-file",
             (d / "state.json").string(),
             "--pid-file",
             (d / "container.pid").string(),
             "--cgroups-path",
             record.cgroups_path,
             "--ready-fd",
             "3",
             "--tty",
             spec.tty ? "true" : "false"};
  so.stdout_fd = log_fd;
  so.stderr_fd = log_fd;
  so.extra_fds = {{ready[1], 3}};
  auto pid = process::spawn(so);
  ::close(ready[1]);
  if (log_fd >= 0) ::close(log_fd);
  if (!pid) {
    ::close(ready[0]);
    co_return pid.error();
  }
  asio::posix::stream_descriptor ready_pipe(executor_, ready[0]);
  // The first monitor process only forks the real one and exits.
  auto code = co_await process::wait_exit(*pid);
  if (!code || *code != 0) {
    auto text = read_text(monitor_log);
    co_return make_error(fmt::format("monitor for {} failed: {}", spec.id, text.empty() ? "no output" : text));
  }
  std::string said;
  std::array<char, 256> buf;
  for (;;) {
    auto [ec, n] = co_await ready_pipe.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    said.append(buf.data(), n);
    if (ec) break;
  }
  co_return said;
}

asio::awaitable<Expected<ContainerStatus>> RuncRuntime::start(const ContainerSpec& spec) {
  if (auto c = check_id(spec.id); !c) co_return c.error();
  if (spec.args.empty()) co_return make_error(fmt::format("container {}: no command given", spec.id));
  const auto prepare_job = [this, &spec] { return prepare(spec); };
  auto record = co_await blocking(prepare_job);
  if (!record) co_return record.error();
  auto said = co_await run_monitor_process(spec, *record);
  auto state = read_monitor_state(dir(spec.id) / "state.json");
  if (said && state && state->phase != "failed" && state->phase != "creating") {
    if (auto s = status(spec.id)) co_return *s;
  }
  // Failed: report runc's own words, and leave nothing behind but the log.
  std::string message;
  if (state && !state->message.empty()) {
    message = state->message;
  } else if (!said) {
    message = said.error().message;
  } else {
    auto text = read_text(dir(spec.id) / "monitor.log");
    message = fmt::format("the monitor of {} ended before the container started: {}", spec.id,
                          text.empty() ? "no output" : text);
  }
  const auto& id = spec.id;
  const auto discard_job = [this, &id] { return discard(id); };
  auto cleaned = co_await blocking(discard_job);
  if (!cleaned) log::warn("containers", "cleaning up {} after a failed start: {}", id, cleaned.error().message);
  co_return make_error(message);
}

std::optional<ContainerStatus> RuncRuntime::status_in(const fs::path& d) const {
  auto record = read_record(d / "container.json");
  if (!record) return std::nullopt;
  ContainerStatus s;
  s.id = record->id;
  s.labels = record->labels;
  s.log_path = record->log_path;
  s.created_at = record->created_at;
  s.state = State::created;
  auto state = read_monitor_state(d / "state.json");
  if (!state) return s;
  bool alive = monitor_alive(*state);
  if (!alive && (state->phase == "creating" || state->phase == "running")) {
    // It may have written its last words just before ending: read them again.
    if (auto again = read_monitor_state(d / "state.json")) state = again;
  }
  s.pid = state->pid;
  s.started_at = state->started_at;
  auto lost = [&](std::string message) {
    s.state = State::exited;
    s.exit_code = 255;
    s.reason = "Unknown";
    s.message = std::move(message);
    s.pid = 0;
  };
  if (state->phase == "creating") {
    if (!alive) lost("the container's monitor ended while creating it");
  } else if (state->phase == "running") {
    s.state = State::running;
    if (!alive) {
      // Without its monitor nobody will record the exit; the container may still run.
      bool runc_knows = fs::exists(options_.runc_root / s.id / "state.json");
      if (!runc_knows || state->pid <= 0 || ::kill(state->pid, 0) != 0) {
        lost("the container's monitor died; its exit code is lost");
      } else {
        s.message = "the container's monitor died; its exit will not be recorded";
      }
    }
  } else {
    s.state = State::exited;
    s.exit_code = state->exit_code;
    s.reason = state->reason;
    s.message = state->message;
    s.finished_at = state->finished_at;
    s.pid = 0;
  }
  return s;
}

std::optional<ContainerStatus> RuncRuntime::status(const std::string& id) const {
  if (!check_id(id)) return std::nullopt;
  return status_in(dir(id));
}

std::vector<ContainerStatus> RuncRuntime::list() const {
  std::vector<ContainerStatus> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(options_.state_dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    if (auto s = status_in(it->path())) out.push_back(std::move(*s));
  }
  std::sort(out.begin(), out.end(), [](const ContainerStatus& a, const ContainerStatus& b) { return a.id < b.id; });
  return out;
}

// Polls the monitor's state: often at first (a killed process is gone in milliseconds),
// then less.
asio::awaitable<bool> RuncRuntime::wait_exited(const std::string& id, std::chrono::milliseconds limit) {
  asio::steady_timer timer(executor_);
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto step = 5ms;
  for (;;) {
    auto s = status(id);
    if (!s || s->state == State::exited) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    timer.expires_after(step);
    co_await timer.async_wait(asio::use_awaitable);
    step = std::min<std::chrono::milliseconds>(step * 2, 50ms);
  }
}

asio::awaitable<void> RuncRuntime::wait_monitor_gone(const std::string& id, std::chrono::milliseconds limit) {
  asio::steady_timer timer(executor_);
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto state = read_monitor_state(dir(id) / "state.json");
    if (!state || !monitor_alive(*state) || std::chrono::steady_clock::now() >= deadline) co_return;
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<Status> RuncRuntime::stop(const std::string& id, std::chrono::seconds grace) {
  if (auto c = check_id(id); !c) co_return c;
  auto s = status(id);
  if (!s) co_return make_error(fmt::format("stop {}: no such container", id));
  if (s->state == State::exited) co_return Ok{};
  if (grace.count() > 0) {
    const auto argv = runc({"kill", id, "TERM"});
    const process::RunOptions options;
    auto term = co_await process::run(argv, options);
    if (!term) co_return make_error(fmt::format("stop {}: {}", id, term.error().message));
    if (term->exit_code != 0 && !says_gone(term->output)) {
      log::warn("containers", "stop {}: runc kill TERM: {}", id, term->output);
    }
    if (co_await wait_exited(id, grace)) co_return Ok{};
  }
  const auto argv = runc({"kill", id, "KILL"});
  const process::RunOptions options;
  auto kill = co_await process::run(argv, options);
  if (!kill) co_return make_error(fmt::format("stop {}: {}", id, kill.error().message));
  if (kill->exit_code != 0 && !says_gone(kill->output)) {
    co_return make_error(fmt::format("stop {}: runc kill KILL: {}", id, kill->output));
  }
  if (co_await wait_exited(id, 10s)) co_return Ok{};
  co_return make_error(fmt::format("stop {}: still running 10s after SIGKILL", id));
}

asio::awaitable<Status> RuncRuntime::remove(const std::string& id) {
  if (auto c = check_id(id); !c) co_return c;
  std::error_code ec;
  if (!fs::exists(dir(id), ec)) co_return Ok{};
  const auto argv = runc({"delete", "--force", id});
  const process::RunOptions options;
  auto del = co_await process::run(argv, options);
  if (!del) co_return make_error(fmt::format("remove {}: {}", id, del.error().message));
  if (del->exit_code != 0 && !says_gone(del->output)) {
    co_return make_error(fmt::format("remove {}: runc delete: {}", id, del->output));
  }
  // The monitor records the end and exits; let it finish before its directory goes.
  co_await wait_monitor_gone(id, 5s);
  const auto discard_job = [this, &id] { return discard(id); };
  auto removed = co_await blocking(discard_job);
  if (!removed) co_return make_error(fmt::format("remove {}: {}", id, removed.error().message));
  co_return Ok{};
}

asio::awaitable<ExecResult> RuncRuntime::exec(const std::string& id, const std::vector<std::string>& command,
                                              std::chrono::milliseconds timeout) {
  ExecResult result;
  if (auto c = check_id(id); !c) {
    result.output = c.error().message;
    co_return result;
  }
  auto pid_file = dir(id) / fmt::format("exec-{}.pid", ++exec_counter_);
  std::vector<std::string> tail{"exec", "--pid-file", pid_file.string(), id};
  tail.insert(tail.end(), command.begin(), command.end());
  process::RunOptions options;
  options.timeout = timeout;
  options.output_cap = 1 << 20;
  // runc exec's death would leave the process running in the container: kill that first.
  options.on_timeout = [pid_file] {
    pid_t pid = 0;
    std::ifstream in(pid_file);
    if (in >> pid && pid > 0) ::kill(pid, SIGKILL);
  };
  auto argv = runc(tail);
  auto run = co_await process::run(argv, options);
  std::error_code ec;
  fs::remove(pid_file, ec);
  if (!run) {
    result.output = run.error().message;
    co_return result;
  }
  result.exit_code = run->exit_code;
  result.output = std::move(run->output);
  result.timed_out = run->timed_out;
  co_return result;
}

std::vector<std::string> RuncRuntime::exec_command_line(const std::string& id, const std::vector<std::string>& command,
                                                        bool tty, const std::string& console_socket) const {
  std::vector<std::string> tail{"exec"};
  if (tty) {
    // runc 1.1 hands a terminal to a console socket only when it detaches; the kubelet
    // server's reaper keeps the exit code of the detached process.
    tail.insert(tail.end(), {"-d", "-t", "--console-socket", console_socket});
  }
  tail.push_back(id);
  tail.insert(tail.end(), command.begin(), command.end());
  return runc(tail);
}

Status RuncRuntime::remove_pod_cgroup(const std::string& cgroup_parent) {
  fs::path parent(cgroup_parent);
  if (!parent.is_absolute() || parent == "/" || cgroup_parent.find("..") != std::string::npos) {
    return make_error(fmt::format("remove pod cgroup: refusing path '{}'", cgroup_parent));
  }
  auto relative = parent.relative_path();
  std::vector<std::string> errors;
  std::error_code ec;
  std::vector<fs::path> roots{"/sys/fs/cgroup"};  // cgroup v2 mounted there
  for (auto it = fs::directory_iterator("/sys/fs/cgroup", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) roots.push_back(it->path());  // v1 hierarchies, unified
  }
  for (auto& root : roots) {
    auto d = root / relative;
    if (fs::exists(d / "cgroup.procs", ec)) rmdir_tree(d, errors);
  }
  if (!errors.empty()) {
    std::string joined;
    for (auto& e : errors) joined += (joined.empty() ? "" : "; ") + e;
    return make_error(fmt::format("remove pod cgroup {}: {}", cgroup_parent, joined));
  }
  return Ok{};
}

}  // namespace

std::unique_ptr<Runtime> make_runc_runtime(asio::any_io_executor executor, RuntimeOptions options) {
  return std::make_unique<RuncRuntime>(std::move(executor), std::move(options));
}

}  // namespace kscratch::containers
