// Drives the container runtime from the command line for the end-to-end test:
//   driver --state-dir D --runc-root R --monitor KSCRATCH COMMAND ...
// Commands: start, status, list, stop, remove, exec, wait, remove-cgroup, bench.
// Each run is a fresh process with a fresh Runtime, like a restarted kubelet.

#include "kscratch/containers/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace kc = kscratch::containers;
using namespace std::chrono_literals;

namespace {

const char* state_name(kc::State s) {
  switch (s) {
    case kc::State::created: return "created";
    case kc::State::running: return "running";
    case kc::State::exited: return "exited";
    default: return "unknown";
  }
}

void print_status(const kc::ContainerStatus& s) {
  fmt::print("id={} state={} exit_code={} reason={} pid={} label_app={} message={}\n", s.id, state_name(s.state),
             s.exit_code, s.reason.empty() ? "-" : s.reason, s.pid,
             s.labels.count("app") ? s.labels.at("app") : "-", s.message);
}

struct Args {
  std::map<std::string, std::string> flags;
  std::vector<std::string> rest;  // after --
  std::vector<std::string> positional;
};

Args parse(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--") {
      a.rest.assign(argv + i + 1, argv + argc);
      break;
    }
    if (s.rfind("--", 0) == 0 && i + 1 < argc) {
      a.flags[s.substr(2)] = argv[++i];
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

kc::ContainerSpec make_spec(const Args& a, const std::string& id) {
  kc::ContainerSpec spec;
  spec.id = id;
  spec.pod_name = "pod1";
  spec.pod_namespace = "default";
  spec.pod_uid = "uid-1";
  spec.container_name = id;
  spec.image_layers = {a.flags.at("layer")};
  spec.args = a.rest;
  spec.env = {"PATH=/bin", "GREETING=hello"};
  spec.hostname = "pod1";
  spec.cgroup_parent = a.flags.at("cgroup-parent");
  spec.log_path = a.flags.count("log") ? a.flags.at("log") : "/dev/null";
  spec.labels = {{"app", "e2e"}};
  if (a.flags.count("memory")) spec.resources.memory_limit_bytes = std::stoll(a.flags.at("memory"));
  if (a.flags.count("tty")) spec.tty = true;
  if (a.flags.count("privileged")) spec.security.privileged = true;
  if (a.flags.count("read-only")) spec.security.read_only_root = true;
  if (a.flags.count("netns")) spec.netns = a.flags.at("netns");
  if (a.flags.count("user")) spec.image_user = a.flags.at("user");
  return spec;
}

asio::awaitable<int> run(kc::Runtime& rt, const std::string& command, const Args& a) {
  if (command == "start") {
    auto spec = make_spec(a, a.positional.at(0));
    auto t0 = std::chrono::steady_clock::now();
    auto s = co_await rt.start(spec);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!s) {
      fmt::print("error: {}\n", s.error().message);
      co_return 1;
    }
    print_status(*s);
    fmt::print("start_ms={:.1f}\n", ms);
    std::fflush(stdout);
    if (a.flags.count("hang")) {
      // Stands for a kubelet that is killed while its containers run.
      asio::steady_timer forever(co_await asio::this_coro::executor, 1h);
      co_await forever.async_wait(asio::use_awaitable);
    }
    co_return 0;
  }
  if (command == "status") {
    auto s = rt.status(a.positional.at(0));
    if (!s) {
      fmt::print("no such container\n");
      co_return 1;
    }
    print_status(*s);
    co_return 0;
  }
  if (command == "list") {
    for (auto& s : rt.list()) print_status(s);
    co_return 0;
  }
  if (command == "wait") {
    // Until the container has exited (seconds in --timeout).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::stoi(a.flags.at("timeout")));
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (;;) {
      auto s = rt.status(a.positional.at(0));
      if (s && s->state == kc::State::exited) {
        print_status(*s);
        co_return 0;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        if (s) print_status(*s);
        co_return 1;
      }
      t.expires_after(20ms);
      co_await t.async_wait(asio::use_awaitable);
    }
  }
  if (command == "stop") {
    auto grace = std::chrono::seconds(std::stoi(a.positional.at(1)));
    auto r = co_await rt.stop(a.positional.at(0), grace);
    if (!r) {
      fmt::print("error: {}\n", r.error().message);
      co_return 1;
    }
    if (auto s = rt.status(a.positional.at(0))) print_status(*s);
    co_return 0;
  }
  if (command == "remove") {
    auto r = co_await rt.remove(a.positional.at(0));
    if (!r) {
      fmt::print("error: {}\n", r.error().message);
      co_return 1;
    }
    co_return 0;
  }
  if (command == "exec") {
    auto timeout = std::chrono::milliseconds(std::stoi(a.flags.count("timeout-ms") ? a.flags.at("timeout-ms") : "5000"));
    auto r = co_await rt.exec(a.positional.at(0), a.rest, timeout);
    fmt::print("{}", r.output);
    fmt::print("\nexit_code={} timed_out={}\n", r.exit_code, r.timed_out);
    co_return 0;
  }
  if (command == "exec-line") {
    for (auto& s : rt.exec_command_line(a.positional.at(0), a.rest, false, "")) fmt::print("{} ", s);
    fmt::print("\n");
    co_return 0;
  }
  if (command == "remove-cgroup") {
    auto r = rt.remove_pod_cgroup(a.positional.at(0));
    if (!r) {
      fmt::print("error: {}\n", r.error().message);
      co_return 1;
    }
    co_return 0;
  }
  if (command == "bench") {
    // start() latency, create to running, of --count containers started one after another.
    int count = std::stoi(a.flags.at("count"));
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
      auto id = fmt::format("bench-{}-{}", ::getpid(), i);
      auto spec = make_spec(a, id);
      auto t0 = std::chrono::steady_clock::now();
      auto s = co_await rt.start(spec);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      if (!s) {
        fmt::print("error: {}\n", s.error().message);
        co_return 1;
      }
      auto r = co_await rt.remove(id);
      if (!r) {
        fmt::print("error: {}\n", r.error().message);
        co_return 1;
      }
    }
    std::sort(ms.begin(), ms.end());
    fmt::print("start_ms median={:.1f} min={:.1f} max={:.1f} n={}\n", ms[ms.size() / 2], ms.front(), ms.back(),
               ms.size());
    co_return 0;
  }
  fmt::print(stderr, "unknown command {}\n", command);
  co_return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: driver --state-dir D --runc-root R --monitor EXE COMMAND ...\n");
    return 2;
  }
  // `driver monitor ...` is the monitor, as `kscratch monitor ...` is: handy while the
  // kscratch binary is not built.
  if (std::string(argv[1]) == "monitor") return kc::run_monitor(std::vector<std::string>(argv + 2, argv + argc));
  int i = 1;
  std::map<std::string, std::string> global;
  while (i + 1 < argc && std::string(argv[i]).rfind("--", 0) == 0) {
    global[std::string(argv[i]).substr(2)] = argv[i + 1];
    i += 2;
  }
  if (i >= argc) return 2;
  std::string command = argv[i];
  auto args = parse(argc, argv, i + 1);
  asio::io_context io;
  kc::RuntimeOptions options;
  options.state_dir = global.at("state-dir");
  options.runc_root = global.at("runc-root");
  options.self_exe = global.at("monitor");
  auto rt = kc::make_runc_runtime(io.get_executor(), options);
  int rc = 1;
  asio::co_spawn(io, run(*rt, command, args), [&](std::exception_ptr e, int r) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        fmt::print(stderr, "driver: {}\n", ex.what());
      }
      rc = 1;
    } else {
      rc = r;
    }
  });
  io.run();
  return rc;
}
