// The scheduler benchmark (scheduler_perf's SchedulingBasic, in one process): a real store in
// a temporary directory, the real REST handler and the real scheduler, all on one io_context
// thread as in `kscratch server`, with no agent and no controller manager. N simulated nodes
// are created through the API (allocatable cpu/memory/pods, Ready=True, the hostname label),
// the scheduler is started and proves it has synced by binding one warm-up pod, then P pods
// are created through the API with a fixed number of creates in flight. Each pod is timed
// from just before its create is sent to the watch event that shows it bound
// (spec.nodeName set); throughput runs from the first create to the last binding seen.
// Pods carry a controller ownerReference to one (absent) ReplicaSet so the default
// topology spreading scores them, as in a Deployment.

#include "bench.h"

#include "kscratch/client/client.h"
#include "kscratch/client/transport.h"
#include "kscratch/scheduler/scheduler.h"
#include "kscratch/store/store.h"
#include "rest/api.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <exception>
#include <filesystem>
#include <list>
#include <random>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace kscratch::bench {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr int kPodsPerNode = 110;  // allocatable pods of each simulated node, as a kubelet's default

struct Options {
  int nodes = 1000;
  int pods = 5000;
  int concurrency = 64;
  int timeout_seconds = 600;
  int zones = 0;
  bool owner = true;
  std::string dir;
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// CPU time of the calling thread: the io_context's loop, where the API handler, the
// scheduler and this benchmark's clients all run (SQLite runs on the store's threads).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double quantile_ms(std::vector<double>& sorted_ms, double q) {
  if (sorted_ms.empty()) return 0;
  auto i = static_cast<std::size_t>(q * static_cast<double>(sorted_ms.size() - 1) + 0.5);
  return sorted_ms[std::min(i, sorted_ms.size() - 1)];
}

std::string str(const json::object& o, std::string_view section, std::string_view key) {
  auto* s = o.if_contains(section);
  if (!s || !s->is_object()) return {};
  auto* v = s->get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Counts down to zero, then wakes whoever waits.
class Latch {
 public:
  Latch(asio::io_context& io, int n) : timer_(io), n_(n) { timer_.expires_at(Clock::time_point::max()); }
  void count_down() {
    if (--n_ == 0) timer_.cancel();
  }
  void release() {
    n_ = 0;
    timer_.cancel();
  }
  asio::awaitable<void> wait() {
    if (n_ > 0) co_await timer_.async_wait(kTuple);
  }

 private:
  asio::steady_timer timer_;
  int n_;
};

// A directory of its own, removed when the benchmark ends however it ends.
class WorkDir {
 public:
  explicit WorkDir(const std::string& parent) {
    // /var/tmp by default: a real disk, as the server's data dir (and the store benchmark).
    auto base = std::filesystem::path(parent.empty() ? "/var/tmp" : parent);
    path_ = base / fmt::format("kscratch-bench-scheduler-{}", std::random_device{}());
    std::filesystem::create_directories(path_);
  }
  ~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class SchedulerBench {
 public:
  explicit SchedulerBench(const Options& o) : o_(o), dir_(o.dir) {
    store::StoreOptions so;
    so.path = dir_.path() / "state.db";
    auto opened = store::open_store(io_, so);
    if (!opened) throw std::runtime_error(opened.error().message);
    db_ = *opened;
    api_ = std::make_unique<apiserver::rest::Api>(db_,
                                                  apiserver::rest::ApiConfig{"v1.32.0+kscratch", "127.0.0.1:6443"});
    admin_ = std::make_unique<client::Client>(
        client::make_in_process_transport(*api_, "kscratch-bench", {"system:masters"}), "kscratch-bench");
    scheduler_client_ = std::make_unique<client::Client>(
        client::make_in_process_transport(*api_, "system:kube-scheduler", {}), "default-scheduler");
  }

  ~SchedulerBench() {
    // As the test fixture: cancel the scheduler, let it unwind, then close the store.
    if (scheduler_started_) scheduler_signal_.emit(asio::cancellation_type::all);
    io_.restart();
    io_.poll();
    db_->close();
    io_.restart();
    io_.poll();
  }

  int run() {
    bool done = false, interrupted = false;
    int code = 1;
    std::exception_ptr error;
    // Ctrl-C or SIGTERM: stop, and still remove the data directory on the way out.
    asio::signal_set signals(io_, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (!ec) interrupted = true;
    });
    asio::co_spawn(io_, drive(), [&](std::exception_ptr e, int c) {
      error = e;
      code = c;
      done = true;
    });
    // The scheduler never ends by itself: run until the driver has.
    while (!done && !interrupted) io_.run_one();
    signals.cancel();
    if (interrupted) {
      // Unwinding mid-run would let the load run on against a closing store: remove the
      // data directory (SQLite's open files go with the process) and leave at once.
      fmt::print(stderr, "kscratch-bench scheduler: interrupted\n");
      std::fflush(stdout);
      std::error_code ec;
      std::filesystem::remove_all(dir_.path(), ec);
      std::_Exit(130);
    }
    if (error) std::rethrow_exception(error);
    return code;
  }

 private:
  asio::awaitable<int> drive() {
    co_await api_->ensure_defaults();

    // Nodes, each created and then given its status (create drops status, as upstream).
    auto t0 = Clock::now();
    {
      int workers = std::min(o_.concurrency, std::max(o_.nodes, 1));
      Latch created(io_, workers);
      int next = 0;
      for (int w = 0; w < workers; ++w) asio::co_spawn(io_, node_worker(next, created), asio::detached);
      co_await created.wait();
    }
    if (failures_ > 0) throw std::runtime_error(fmt::format("{} node creates failed: {}", failures_, first_error_));
    double nodes_s = seconds_since(t0);
    fmt::print("scheduler: created {} nodes in {:.1f} s ({:.0f}/s)\n", o_.nodes, nodes_s,
               o_.nodes / std::max(nodes_s, 1e-9));
    std::fflush(stdout);

    // The scheduler, started now so its first list holds every node; a warm-up pod bound
    // shows it has synced.
    std::string ns = "default";
    scheduler::SchedulerOptions so;
    scheduler_started_ = true;
    asio::co_spawn(io_, scheduler::run_scheduler(*scheduler_client_, so),
                   asio::bind_cancellation_slot(scheduler_signal_.slot(), asio::detached));
    auto w0 = Clock::now();
    std::string warmup = "warmup";
    auto warmup_pod = pod_object(warmup);
    auto created = co_await admin_->create(client::kinds::pods, ns, warmup_pod);
    if (!created) throw std::runtime_error("creating the warm-up pod: " + created.error().message);
    asio::steady_timer poll(io_);
    for (;;) {
      auto got = co_await admin_->get(client::kinds::pods, ns, warmup);
      if (got && !str(*got, "spec", "nodeName").empty()) break;
      if (seconds_since(w0) > 120) throw std::runtime_error("the warm-up pod was not scheduled within 120 s");
      poll.expires_after(std::chrono::milliseconds(5));
      co_await poll.async_wait(kTuple);
    }
    fmt::print("scheduler: synced and bound the warm-up pod in {:.2f} s\n", seconds_since(w0));
    std::fflush(stdout);

    // The watch that sees bindings, from the current revision.
    client::ListOptions lo;
    lo.limit = 1;
    auto listed = co_await admin_->list(client::kinds::pods, ns, lo);
    if (!listed) throw std::runtime_error("listing pods: " + listed.error().message);
    watch_rv_ = listed->resource_version;
    Latch all_bound(io_, 1);
    Latch watch_ended(io_, 1);
    asio::co_spawn(io_, watch_bindings(all_bound, watch_ended), asio::detached);

    // The load.
    double cpu0 = process_cpu_seconds(), loop_cpu0 = thread_cpu_seconds();
    started_ = Clock::now();
    deadline_ = started_ + std::chrono::seconds(o_.timeout_seconds);
    Latch creators(io_, o_.concurrency);
    int next = 0;
    for (int w = 0; w < o_.concurrency; ++w) asio::co_spawn(io_, pod_worker(next, creators), asio::detached);
    Latch reporter_done(io_, 1);
    asio::co_spawn(io_, report_progress(reporter_done), asio::detached);
    co_await creators.wait();
    creates_done_ = Clock::now();
    // Bindings still on their way, until the deadline.
    asio::steady_timer deadline(io_);
    deadline.expires_at(deadline_);
    deadline.async_wait([&](boost::system::error_code ec) {
      if (!ec) all_bound.release();
    });
    if (bound_ + failures_ < static_cast<std::uint64_t>(o_.pods)) co_await all_bound.wait();
    deadline.cancel();
    auto end = bound_ > 0 ? last_bound_ : Clock::now();
    double elapsed = std::chrono::duration<double>(end - started_).count();
    double cpu = process_cpu_seconds() - cpu0, loop_cpu = thread_cpu_seconds() - loop_cpu0;
    stop_ = true;
    if (watch_) watch_->close();
    co_await reporter_done.wait();
    co_await watch_ended.wait();

    std::sort(bind_ms_.begin(), bind_ms_.end());
    double creates_s = std::chrono::duration<double>(creates_done_ - started_).count();
    double pods_per_s = static_cast<double>(bound_) / std::max(elapsed, 1e-9);
    std::uint64_t missed = static_cast<std::uint64_t>(o_.pods) - bound_ - failures_;
    double rss = rss_mib(), peak = peak_rss_mib();
    auto p50 = quantile_ms(bind_ms_, 0.5), p90 = quantile_ms(bind_ms_, 0.9), p99 = quantile_ms(bind_ms_, 0.99);
    auto max_ms = bind_ms_.empty() ? 0.0 : bind_ms_.back();
    fmt::print("scheduler: {} pods on {} nodes ({} zones), {} creates in flight\n", o_.pods, o_.nodes, o_.zones,
               o_.concurrency);
    fmt::print("  bound        {} in {:.2f} s ({:.0f} pods/s)   create failures {}   not bound {}\n", bound_, elapsed,
               pods_per_s, failures_, missed);
    if (failures_ > 0) fmt::print("  first error  {}\n", first_error_);
    fmt::print("  creates      all sent and answered in {:.2f} s ({:.0f}/s)\n", creates_s,
               o_.pods / std::max(creates_s, 1e-9));
    fmt::print("  bind ms      p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  max {:.1f} (create sent -> binding seen)\n", p50,
               p90, p99, max_ms);
    fmt::print("  cpu          process {:.0f}%  loop thread {:.0f}% (of one core)\n", 100 * cpu / elapsed,
               100 * loop_cpu / elapsed);
    fmt::print("  rss          {:.1f} MiB (peak {:.1f})\n", rss, peak);
    auto stats = db_->stats();
    fmt::print("  store        revision {}  commits {}  writes {}\n", stats.revision, stats.commits, stats.writes);
    fmt::print(
        "{{\"bench\":\"scheduler\",\"nodes\":{},\"zones\":{},\"pods\":{},\"concurrency\":{},\"bound\":{},\"failures\":{},"
        "\"seconds\":{:.2f},\"pods_per_s\":{:.0f},\"creates_per_s\":{:.0f},\"p50_bind_ms\":{:.1f},"
        "\"p90_bind_ms\":{:.1f},\"p99_bind_ms\":{:.1f},\"max_bind_ms\":{:.1f},\"cpu_pct\":{:.0f},"
        "\"loop_cpu_pct\":{:.0f},\"node_setup_s\":{:.1f},\"rss_mib\":{:.1f},\"peak_rss_mib\":{:.1f}}}\n",
        o_.nodes, o_.zones, o_.pods, o_.concurrency, bound_, failures_, elapsed, pods_per_s,
        o_.pods / std::max(creates_s, 1e-9), p50, p90, p99, max_ms, 100 * cpu / elapsed, 100 * loop_cpu / elapsed,
        nodes_s, rss, peak);
    std::fflush(stdout);
    co_return failures_ == 0 && missed == 0 ? 0 : 1;
  }

  void record_failure(const std::string& what) {
    if (failures_++ == 0) first_error_ = what;
  }

  json::object node_object(const std::string& name, int index) const {
    json::object labels{{"kubernetes.io/hostname", name}, {"kubernetes.io/os", "linux"},
                        {"kubernetes.io/arch", "amd64"}};
    if (o_.zones > 0) labels["topology.kubernetes.io/zone"] = fmt::format("zone-{}", index % o_.zones);
    return json::object{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", json::object{{"name", name}, {"labels", labels}}}};
  }

  json::value node_status() const {
    json::object resources{{"cpu", "32"}, {"memory", "256Gi"}, {"pods", std::to_string(kPodsPerNode)},
                           {"ephemeral-storage", "100Gi"}};
    return json::object{
        {"status", json::object{{"capacity", resources},
                                {"allocatable", resources},
                                {"conditions", json::array{json::object{{"type", "Ready"},
                                                                        {"status", "True"},
                                                                        {"reason", "KubeletReady"},
                                                                        {"message", "kubelet is posting ready status"}}}}}}};
  }

  json::object pod_object(const std::string& name) const {
    json::object meta{{"name", name}, {"labels", json::object{{"app", "scheduler-bench"}}}};
    if (o_.owner) {
      meta["ownerReferences"] = json::array{json::object{{"apiVersion", "apps/v1"},
                                                         {"kind", "ReplicaSet"},
                                                         {"name", "scheduler-bench-7d9f8c6b5"},
                                                         {"uid", "5b1c3f0e-0000-4000-8000-00000000be9c"},
                                                         {"controller", true},
                                                         {"blockOwnerDeletion", true}}};
    }
    json::object requests{{"cpu", "100m"}, {"memory", "128Mi"}};
    json::object container{{"name", "pause"},
                           {"image", "registry.k8s.io/pause:3.10"},
                           {"resources", json::object{{"requests", requests}}}};
    return json::object{{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", meta},
                        {"spec", json::object{{"containers", json::array{container}}}}};
  }

  asio::awaitable<void> node_worker(int& next, Latch& done) {
    std::string none, sub = "status";
    auto status = node_status();
    while (next < o_.nodes) {
      int index = next++;
      auto name = fmt::format("node-{:05}", index);
      auto node = node_object(name, index);
      auto created = co_await admin_->create(client::kinds::nodes, none, node);
      if (!created) {
        record_failure(fmt::format("create node {}: {}", name, created.error().message));
        continue;
      }
      auto patched = co_await admin_->patch(client::kinds::nodes, none, name, client::PatchType::kMerge, status, sub);
      if (!patched) record_failure(fmt::format("node {} status: {}", name, patched.error().message));
    }
    done.count_down();
  }

  asio::awaitable<void> pod_worker(int& next, Latch& done) {
    std::string ns = "default";
    while (next < o_.pods && Clock::now() < deadline_) {
      auto name = fmt::format("pod-{:06}", next++);
      auto pod = pod_object(name);
      sent_.emplace(name, Clock::now());
      auto created = co_await admin_->create(client::kinds::pods, ns, pod);
      ++created_;
      if (!created) {
        sent_.erase(name);
        record_failure(fmt::format("create pod {}: {}", name, created.error().message));
      }
    }
    done.count_down();
  }

  // Watches pods from watch_rv_, resuming when the stream ends, and times each pod's
  // first event with spec.nodeName set.
  asio::awaitable<void> watch_bindings(Latch& all_bound, Latch& ended) {
    std::string ns = "default";
    int retries = 0;
    while (!stop_) {
      client::ListOptions wo;
      wo.resource_version = watch_rv_;
      auto opened = co_await admin_->watch(client::kinds::pods, ns, wo);
      if (!opened) {
        if (++retries > 5) {
          fmt::print(stderr, "kscratch-bench scheduler: watch: {}\n", opened.error().message);
          all_bound.release();
          break;
        }
        continue;
      }
      watch_ = std::move(*opened);
      for (;;) {
        auto event = co_await watch_->next();
        if (!event) break;
        auto now = Clock::now();
        auto rv = str(event->object, "metadata", "resourceVersion");
        if (!rv.empty()) watch_rv_ = rv;
        if (event->type != "ADDED" && event->type != "MODIFIED") continue;
        if (str(event->object, "spec", "nodeName").empty()) continue;
        auto it = sent_.find(str(event->object, "metadata", "name"));
        if (it == sent_.end()) continue;
        bind_ms_.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
        sent_.erase(it);
        last_bound_ = now;
        ++bound_;
        if (bound_ + failures_ >= static_cast<std::uint64_t>(o_.pods) && created_ >= o_.pods) all_bound.release();
      }
      watch_.reset();
    }
    ended.count_down();
  }

  asio::awaitable<void> report_progress(Latch& done) {
    asio::steady_timer t(io_);
    std::uint64_t last = 0;
    while (!stop_) {
      t.expires_after(std::chrono::seconds(1));
      co_await t.async_wait(kTuple);
      if (stop_) break;
      fmt::print("  {:5.1f} s  created {:6}  bound {:6}  (+{} in the last second)\n", seconds_since(started_), created_,
                 bound_, bound_ - last);
      std::fflush(stdout);
      last = bound_;
    }
    done.count_down();
  }

  const Options& o_;
  WorkDir dir_;
  asio::io_context io_{1};
  std::shared_ptr<store::Store> db_;
  std::unique_ptr<apiserver::rest::Api> api_;
  std::unique_ptr<client::Client> admin_;
  std::unique_ptr<client::Client> scheduler_client_;
  asio::cancellation_signal scheduler_signal_;
  bool scheduler_started_ = false;
  std::unique_ptr<client::Watch> watch_;
  std::string watch_rv_;
  bool stop_ = false;
  Clock::time_point started_, deadline_, creates_done_, last_bound_;
  std::unordered_map<std::string, Clock::time_point> sent_;
  std::vector<double> bind_ms_;
  int created_ = 0;
  std::uint64_t bound_ = 0, failures_ = 0;
  std::string first_error_;
};

}  // namespace

int scheduler_bench(const std::vector<std::string>& args) {
  Options o;
  po::options_description d("scheduler benchmark flags");
  d.add_options()
    ("help,h", "print the flags")
    ("nodes", po::value(&o.nodes)->default_value(o.nodes), "simulated nodes")
    ("pods", po::value(&o.pods)->default_value(o.pods), "pods to create and schedule")
    ("concurrency", po::value(&o.concurrency)->default_value(o.concurrency), "pod creates in flight")
    ("timeout-seconds", po::value(&o.timeout_seconds)->default_value(o.timeout_seconds),
     "give up on bindings not seen by then")
    ("zones", po::value(&o.zones)->default_value(o.zones), "label the nodes with this many zones (0: no zone label)")
    ("no-owner", po::bool_switch(), "no controller ownerReference on the pods (no topology spreading)")
    ("dir", po::value(&o.dir), "parent of the temporary data directory (default: /var/tmp)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).run(), vm);
    if (vm.count("help")) {
      std::ostringstream flags;
      flags << d;
      fmt::print("Usage: kscratch-bench scheduler --nodes N --pods P [flags]\n{}", flags.str());
      return 0;
    }
    po::notify(vm);
    o.owner = !vm["no-owner"].as<bool>();
  } catch (const po::error& e) {
    fmt::print(stderr, "kscratch-bench scheduler: {}\n", e.what());
    return 2;
  }
  if (o.nodes < 1 || o.pods < 1 || o.concurrency < 1 || o.timeout_seconds < 1 || o.zones < 0) {
    fmt::print(stderr, "kscratch-bench scheduler: --nodes, --pods, --concurrency and --timeout-seconds must be positive\n");
    return 2;
  }
  // Each node takes 110 pods (and 320 of 100m cpu): the pods plus the warm-up one must fit.
  if (static_cast<std::int64_t>(o.pods) + 1 > static_cast<std::int64_t>(o.nodes) * kPodsPerNode) {
    fmt::print(stderr, "kscratch-bench scheduler: {} pods do not fit on {} nodes of {} pods each\n", o.pods, o.nodes,
               kPodsPerNode);
    return 2;
  }
  try {
    SchedulerBench bench(o);
    return bench.run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "kscratch-bench scheduler: {}\n", e.what());
    return 1;
  }
}

}  // namespace kscratch::bench
