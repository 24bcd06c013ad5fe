// The pod start-up benchmark (issue 5): on a running single-node cluster whose node already
// holds the image, P pods (no Deployment) are created in a fresh namespace by a few
// connections at once, and each one is timed from the moment its create request is sent
// to the moment a watch on the namespace first shows it Running with all its containers
// running (status.phase == Running and every containerStatuses[].state.running set). That
// is upstream's pod start-up latency SLI ("from creation to observed running", measured
// through a watch), except that creation is taken on the client just before the request,
// so the figure also includes the create request itself. The watch also gives the moment
// each pod is first seen bound to a node (scheduling) and Ready, reported as a breakdown.
// At the end the pods are deleted, the benchmark waits until they are gone, and the
// namespace is deleted.
//
// Memory: rss_mib is VmRSS of the `kscratch server` process (--server-pid, else found in
// /proc), shim_rss_kib the average VmRSS of the `kscratch monitor` processes (one per
// container), both read while every pod runs.

#include "bench.h"
#include "kscratch/client/https_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace kscratch::bench {

int podstartup_bench(const std::vector<std::string>& args);

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;
using client::HttpResponse;
using client::HttpsConnection;
using client::TlsClientContext;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Options {
  int pods = 100;
  std::string image;
  std::string kubeconfig;
  std::string namespace_;
  std::string node;
  std::string command = "sleep 3600";
  int concurrency = 4;
  // Creates per second. The default paces them as the upstream SLO is measured:
  // ClusterLoader2 creates its latency pods at 5/s (load test, "Uniform5QPS"; its
  // one-node node-throughput test creates 100 pods at 2/s), so a pod's start-up time
  // is not the length of the queue behind a burst. 0: a burst, as fast as the API answers.
  double qps = 5;
  int timeout_seconds = 300;
  long server_pid = -1;
};

// What the benchmark knows of one pod, all on the steady clock.
struct PodTimes {
  Clock::time_point sent;
  std::optional<Clock::time_point> created, scheduled, running, ready;
  bool gone = false;
};

// A field of /proc/<pid>/status in KiB, or -1 when the process is gone.
double proc_status_kib(long pid, const std::string& field) {
  if (pid <= 0) return -1;
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1));
  }
  return -1;
}

// argv of a process, split at its NULs; empty when it is gone or a kernel thread.
std::vector<std::string> proc_argv(long pid) {
  std::ifstream in(fmt::format("/proc/{}/cmdline", pid));
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> argv;
  std::size_t start = 0;
  while (start < all.size()) {
    auto end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    argv.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

// Processes running `kscratch SUBCOMMAND ...` (argv[0] named kscratch, any directory).
std::vector<long> kscratch_processes(const std::string& subcommand) {
  std::vector<long> pids;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    long pid = std::stol(name);
    auto argv = proc_argv(pid);
    if (argv.size() < 2 || std::filesystem::path(argv[0]).filename() != "kscratch" || argv[1] != subcommand) continue;
    pids.push_back(pid);
  }
  return pids;
}

std::string pod_json(const Options& o, const std::string& name) {
  json::array command;
  command.emplace_back("/bin/sh");
  command.emplace_back("-c");
  command.emplace_back(fmt::format("exec {}", o.command));
  json::object container{{"name", "c"},
                         {"image", o.image},
                         {"imagePullPolicy", "IfNotPresent"},
                         {"command", std::move(command)}};
  json::object spec{{"containers", json::array{container}},
                    {"restartPolicy", "Never"},
                    {"terminationGracePeriodSeconds", 0}};
  if (!o.node.empty()) spec["nodeName"] = o.node;
  json::object pod{{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", json::object{{"name", name}, {"labels", json::object{{"app", "kscratch-podstartup"}}}}},
                   {"spec", std::move(spec)}};
  return json::serialize(pod);
}

// Exact quantiles of a few hundred samples (the shared Histogram stops at 2 s, and a pod
// may take longer than that to start).
class Samples {
 public:
  void add(Clock::duration d) {
    ms_.push_back(std::chrono::duration<double, std::milli>(d).count());
    sorted_ = false;
  }
  std::size_t count() const { return ms_.size(); }
  // The q-quantile (0..1) in milliseconds, nearest rank; 0 without samples.
  double quantile_ms(double q) {
    if (ms_.empty()) return 0;
    if (!sorted_) std::sort(ms_.begin(), ms_.end());
    sorted_ = true;
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms_.size())));
    return ms_[std::clamp<std::size_t>(rank, 1, ms_.size()) - 1];
  }

 private:
  std::vector<double> ms_;
  bool sorted_ = true;
};

// Counts down to zero, then wakes whoever waits (as in api_bench.cc).
class Latch {
 public:
  Latch(asio::io_context& io, int n) : timer_(io), n_(n) { timer_.expires_at(Clock::time_point::max()); }
  void count_down() {
    if (--n_ == 0) timer_.cancel();
  }
  asio::awaitable<void> wait() {
    if (n_ > 0) co_await timer_.async_wait(kTuple);
  }

 private:
  asio::steady_timer timer_;
  int n_;
};

class PodStartupBench {
 public:
  PodStartupBench(const Options& o, const pki::Kubeconfig& config) : o_(o), config_(config), tls_(config) {
    collection_ = fmt::format("/api/v1/namespaces/{}/pods", o_.namespace_);
    for (int c = 0; c < o_.concurrency; ++c) {
      clients_.push_back(std::make_unique<HttpsConnection>(io_.get_executor(), tls_, config_.server, config_.token));
    }
    watcher_ = std::make_unique<HttpsConnection>(io_.get_executor(), tls_, config_.server, config_.token);
  }

  int run() {
    int code = 1;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          try {
            code = co_await drive();
          } catch (const std::exception& e) {
            fmt::print(stderr, "kscratch-bench podstartup: {}\n", e.what());
          }
        },
        asio::detached);
    io_.run();
    return code;
  }

 private:
  asio::awaitable<HttpResponse> expect(HttpsConnection& c, const std::string& method, const std::string& target,
                                       const std::string& body, int want, int also_ok = 0) {
    auto res = co_await c.request(method, target, body);
    if (res.status != want && res.status != also_ok) {
      throw std::runtime_error(fmt::format("{} {}: HTTP {}: {}", method, target, res.status, res.body.substr(0, 300)));
    }
    co_return res;
  }

  asio::awaitable<void> sleep(Clock::duration d) {
    asio::steady_timer t(io_);
    t.expires_after(d);
    co_await t.async_wait(kTuple);
  }

  std::size_t count(std::optional<Clock::time_point> PodTimes::*field) const {
    std::size_t n = 0;
    for (auto& [name, t] : pods_) n += (t.*field).has_value();
    return n;
  }

  asio::awaitable<int> drive() {
    auto& admin = *clients_.front();
    std::string post = "POST", get = "GET", del = "DELETE", none;
    std::string ns_body =
        fmt::format(R"({{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{}"}}}})", o_.namespace_);
    std::string namespaces = "/api/v1/namespaces";
    co_await expect(admin, post, namespaces, ns_body, 201);

    std::string watch_target = collection_ + "?watch=true";
    int watch_status = co_await watcher_->open_stream(watch_target);
    if (watch_status != 200) throw std::runtime_error(fmt::format("watch {}: HTTP {}", watch_target, watch_status));
    Latch watch_done(io_, 1);
    asio::co_spawn(io_, watch(watch_done), asio::detached);

    // Creates, a few in flight (each connection has one request at a time).
    started_ = Clock::now();
    Latch created(io_, o_.concurrency);
    int next = 0;
    for (int c = 0; c < o_.concurrency; ++c) asio::co_spawn(io_, creator(c, next, created), asio::detached);
    co_await created.wait();
    auto creates_done = Clock::now();

    // Every pod Running, or the time-out.
    auto deadline = started_ + std::chrono::seconds(o_.timeout_seconds);
    while (running_ < pods_.size() - failures_ && Clock::now() < deadline) co_await sleep(std::chrono::milliseconds(20));
    auto all_running = Clock::now();
    // Memory while every pod runs: the server, and the monitors (the per-container shims).
    long server_pid = o_.server_pid;
    if (server_pid <= 0) {
      auto found = kscratch_processes("server");
      if (found.size() == 1) server_pid = found.front();
      else fmt::print("podstartup: {} `kscratch server` processes found; pass --server-pid\n", found.size());
    }
    double rss_mib = server_pid > 0 ? proc_status_kib(server_pid, "VmRSS") / 1024.0 : -1;
    double shim_kib = 0;
    int shims = 0;
    for (long pid : kscratch_processes("monitor")) {
      double kib = proc_status_kib(pid, "VmRSS");
      if (kib < 0) continue;
      shim_kib += kib;
      ++shims;
    }
    double shim_rss_kib = shims > 0 ? shim_kib / shims : -1;
    // Ready follows Running by a status update or two: give it a moment.
    for (int i = 0; i < 100 && count(&PodTimes::ready) < running_; ++i) co_await sleep(std::chrono::milliseconds(20));

    Samples startup, to_created, to_scheduled, scheduled_to_running, to_ready;
    std::size_t missing = 0;
    for (auto& [name, t] : pods_) {
      if (!t.running) {
        ++missing;
        continue;
      }
      startup.add(*t.running - t.sent);
      if (t.created) to_created.add(*t.created - t.sent);
      if (t.scheduled) {
        to_scheduled.add(*t.scheduled - t.sent);
        scheduled_to_running.add(*t.running - *t.scheduled);
      }
      if (t.ready) to_ready.add(*t.ready - t.sent);
    }
    double create_s = std::chrono::duration<double>(creates_done - started_).count();
    double total_s = std::chrono::duration<double>(all_running - started_).count();
    double pods_per_s = static_cast<double>(running_) / total_s;
    double creates_per_s = static_cast<double>(pods_.size()) / create_s;

    fmt::print("podstartup: {} pods of {} in namespace {} against {} ({} creates in flight)\n", o_.pods, o_.image,
               o_.namespace_, config_.server, o_.concurrency);
    fmt::print("  creates          {} in {:.2f} s ({:.0f}/s), failed {}\n", pods_.size(), create_s, creates_per_s,
               failures_);
    if (failures_ > 0) fmt::print("  first error      {}\n", first_error_);
    fmt::print("  all running      after {:.2f} s ({:.1f} pods/s), {} never running\n", total_s, pods_per_s, missing);
    auto line = [](const char* what, Samples& h) {
      fmt::print("  {:<30} p50 {:8.1f}  p90 {:8.1f}  p99 {:8.1f}  max {:8.1f}  (n={})\n", what, h.quantile_ms(0.5),
                 h.quantile_ms(0.9), h.quantile_ms(0.99), h.quantile_ms(1.0), h.count());
    };
    fmt::print("  latencies in ms, from the create request being sent:\n");
    line("create answered", create_);
    line("seen by the watch (ADDED)", to_created);
    line("seen bound to a node", to_scheduled);
    line("seen Running (the SLI)", startup);
    line("seen Ready", to_ready);
    line("bound -> Running", scheduled_to_running);
    fmt::print("  server rss       {:.1f} MiB (pid {})   monitor rss {:.0f} KiB average over {}\n", rss_mib, server_pid,
               shim_rss_kib, shims);

    // Clean up: delete the pods, wait until the watch saw them all go, then the namespace.
    auto d0 = Clock::now();
    double delete_s = -1;
    try {
      admin.set_timeout(std::chrono::minutes(5));
      co_await expect(admin, del, collection_, none, 200);
      // Listed, not watched: the server may end a long watch before the pods are gone.
      auto gone_deadline = Clock::now() + std::chrono::seconds(o_.timeout_seconds);
      std::size_t left = pods_.size();
      for (;;) {
        auto listed = co_await expect(admin, get, collection_, none, 200);
        left = json::parse(listed.body).as_object().at("items").as_array().size();
        if (left == 0 || Clock::now() >= gone_deadline) break;
        co_await sleep(std::chrono::milliseconds(100));
      }
      if (left > 0) {
        fmt::print("podstartup: {} pods still there {} s after the delete\n", left, o_.timeout_seconds);
      } else {
        delete_s = std::chrono::duration<double>(Clock::now() - d0).count();
        fmt::print("podstartup: deleted the {} pods in {:.2f} s\n", pods_.size() - failures_, delete_s);
      }
      std::string ns_target = namespaces + "/" + o_.namespace_;
      co_await expect(admin, del, ns_target, none, 200, 202);
    } catch (const std::exception& e) {
      fmt::print("podstartup: cleaning up: {}\n", e.what());
    }
    watcher_->close();
    co_await watch_done.wait();

    fmt::print(
        "{{\"bench\":\"podstartup\",\"pods\":{},\"qps\":{},\"running\":{},\"p50_ms\":{:.1f},\"p90_ms\":{:.1f},\"p99_ms\":{:.1f},"
        "\"pods_per_s\":{:.1f},\"rss_mib\":{:.1f},\"shim_rss_kib\":{:.0f},\"creates_per_s\":{:.0f},"
        "\"create_p50_ms\":{:.1f},\"scheduled_p50_ms\":{:.1f},\"scheduled_to_running_p50_ms\":{:.1f},"
        "\"ready_p50_ms\":{:.1f},\"failures\":{},\"delete_s\":{:.2f}}}\n",
        o_.pods, o_.qps, running_, startup.quantile_ms(0.5), startup.quantile_ms(0.9), startup.quantile_ms(0.99), pods_per_s,
        rss_mib, shim_rss_kib, creates_per_s, create_.quantile_ms(0.5), to_scheduled.quantile_ms(0.5),
        scheduled_to_running.quantile_ms(0.5), to_ready.quantile_ms(0.5), failures_, delete_s);
    co_return failures_ == 0 && missing == 0 ? 0 : 1;
  }

  asio::awaitable<void> creator(int c, int& next, Latch& done) {
    auto& conn = *clients_[static_cast<std::size_t>(c)];
    std::string post = "POST";
    while (next < o_.pods) {
      int index = next++;
      auto name = fmt::format("startup-{:05}", index);
      if (o_.qps > 0) {
        // Paced as ClusterLoader2's latency phase paces its pods: the latency of a pod on
        // a node with room, not the length of a queue behind a burst.
        asio::steady_timer pace(co_await asio::this_coro::executor,
                                started_ + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(index / o_.qps)));
        co_await pace.async_wait(asio::use_awaitable);
      }
      auto body = pod_json(o_, name);
      auto& t = pods_[name];
      t.sent = Clock::now();
      try {
        auto res = co_await conn.request(post, collection_, body);
        create_.add(Clock::now() - t.sent);
        if (res.status != 201) record_failure(fmt::format("create {}: HTTP {}: {}", name, res.status, res.body));
      } catch (const std::exception& e) {
        record_failure(fmt::format("create {}: {}", name, e.what()));
      }
    }
    done.count_down();
  }

  void record_failure(const std::string& what) {
    if (failures_++ == 0) first_error_ = what;
  }

  // Notes the first moment each pod is seen created, bound, Running (all containers
  // running) and Ready, and when it is deleted.
  asio::awaitable<void> watch(Latch& done) {
    for (;;) {
      auto line = co_await watcher_->next_line();
      if (!line) break;
      auto now = Clock::now();
      boost::system::error_code ec;
      auto event = json::parse(*line, ec);
      if (ec || !event.is_object()) continue;
      auto* type = event.as_object().if_contains("type");
      auto* object = event.as_object().if_contains("object");
      if (!type || !type->is_string() || !object || !object->is_object()) continue;
      auto& pod = object->get_object();
      auto* meta = pod.if_contains("metadata");
      auto* name = meta && meta->is_object() ? meta->as_object().if_contains("name") : nullptr;
      if (!name || !name->is_string()) continue;
      auto it = pods_.find(std::string(name->get_string()));
      if (it == pods_.end()) continue;
      auto& t = it->second;
      if (type->get_string() == "DELETED") {
        if (!t.gone) ++gone_;
        t.gone = true;
        continue;
      }
      if (!t.created) t.created = now;
      auto* spec = pod.if_contains("spec");
      auto* node = spec && spec->is_object() ? spec->as_object().if_contains("nodeName") : nullptr;
      if (!t.scheduled && node && node->is_string() && !node->get_string().empty()) t.scheduled = now;
      auto* status = pod.if_contains("status");
      if (!status || !status->is_object()) continue;
      auto& s = status->get_object();
      auto* phase = s.if_contains("phase");
      if (!t.running && phase && phase->is_string() && phase->get_string() == "Running" && all_running(s)) {
        t.running = now;
        ++running_;
      }
      if (!t.ready && is_ready(s)) t.ready = now;
    }
    done.count_down();
  }

  static bool all_running(const json::object& status) {
    auto* list = status.if_contains("containerStatuses");
    if (!list || !list->is_array() || list->get_array().empty()) return false;
    for (auto& c : list->get_array()) {
      auto* state = c.is_object() ? c.get_object().if_contains("state") : nullptr;
      if (!state || !state->is_object() || !state->get_object().contains("running")) return false;
    }
    return true;
  }

  static bool is_ready(const json::object& status) {
    auto* conditions = status.if_contains("conditions");
    if (!conditions || !conditions->is_array()) return false;
    for (auto& c : conditions->get_array()) {
      if (!c.is_object()) continue;
      auto* type = c.get_object().if_contains("type");
      auto* value = c.get_object().if_contains("status");
      if (type && type->is_string() && type->get_string() == "Ready" && value && value->is_string() &&
          value->get_string() == "True") {
        return true;
      }
    }
    return false;
  }

  const Options& o_;
  const pki::Kubeconfig& config_;
  asio::io_context io_{1};
  TlsClientContext tls_;
  std::vector<std::unique_ptr<HttpsConnection>> clients_;
  std::unique_ptr<HttpsConnection> watcher_;
  std::string collection_;
  Clock::time_point started_;
  std::unordered_map<std::string, PodTimes> pods_;
  Samples create_;
  std::size_t running_ = 0, gone_ = 0, failures_ = 0;
  std::string first_error_;
};

}  // namespace

int podstartup_bench(const std::vector<std::string>& args) {
  Options o;
  po::options_description d("podstartup benchmark flags");
  d.add_options()
    ("pods", po::value(&o.pods)->default_value(o.pods), "pods to create")
    ("image", po::value(&o.image)->required(), "image of the pods (already on the node)")
    ("kubeconfig", po::value(&o.kubeconfig)->required(), "kubeconfig of the server (admin credentials)")
    ("namespace", po::value(&o.namespace_), "namespace to create (default kscratch-podstartup-<pid>); must not exist")
    ("node", po::value(&o.node), "set spec.nodeName to this node (skips the scheduler)")
    ("command", po::value(&o.command)->default_value(o.command), "what each container runs (through /bin/sh -c exec)")
    ("concurrency", po::value(&o.concurrency)->default_value(o.concurrency), "create requests in flight")
    ("qps", po::value(&o.qps)->default_value(o.qps), "creates per second, paced as ClusterLoader2 (0: a burst)")
    ("timeout-seconds", po::value(&o.timeout_seconds)->default_value(o.timeout_seconds), "wait at most this long")
    ("server-pid", po::value(&o.server_pid)->default_value(o.server_pid), "the kscratch server (-1: find it in /proc)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::ostringstream flags;
    flags << d;
    fmt::print(stderr, "kscratch-bench podstartup: {}\n{}", e.what(), flags.str());
    return 2;
  }
  if (o.pods < 1 || o.concurrency < 1 || o.timeout_seconds < 1 || o.qps < 0) {
    fmt::print(stderr, "kscratch-bench podstartup: --pods, --concurrency and --timeout-seconds must be positive\n");
    return 2;
  }
  if (o.namespace_.empty()) o.namespace_ = fmt::format("kscratch-podstartup-{}", ::getpid());
  return run_against_cluster<PodStartupBench>("podstartup", o);
}

}  // namespace kscratch::bench
