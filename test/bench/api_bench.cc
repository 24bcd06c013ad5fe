// The API benchmark: a running kscratch apiserver over HTTPS, as kubectl and controllers
// see it. C clients (coroutines on one io_context, each on its own keep-alive connection)
// create ConfigMaps and get back ones they created for S seconds, while one watch on the
// namespace times each create from just before it is sent to its ADDED event. Before that
// load, lists of N ConfigMaps are timed on their own. The server's RSS comes from
// /proc/<pid>/status when --server-pid is given.

#include "bench.h"
#include "histogram.h"
#include "kscratch/client/https_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <unordered_map>

namespace kscratch::bench {

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
  int clients = 100;
  int seconds = 20;
  std::string kubeconfig;
  std::string namespace_ = "kscratch-bench";
  int list_objects = 1000;
  int lists = 50;
  long server_pid = -1;
};

// Counts down to zero, then wakes whoever waits: how the driver waits for the coroutines
// it spawned without threads.
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

// A field of /proc/<pid>/status in MiB, or -1 when the process is gone or unknown.
double proc_status_mib(long pid, const std::string& field) {
  if (pid <= 0) return -1;
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return -1;
}

// CPU seconds (user + system) a process has used, from /proc/<pid>/stat; -1 if unknown.
double proc_cpu_seconds(long pid) {
  if (pid <= 0) return -1;
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string f;
  double utime = 0, stime = 0;
  // After "pid (comm) ", state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    if (i == 15) stime = std::stod(f);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

std::string configmap_json(const std::string& name, int client) {
  return fmt::format(R"({{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{}","labels":{{"app":"kscratch-bench"}}}},)"
                     R"("data":{{"client":"{}","color":"blue","size":"small","note":"created by kscratch-bench api"}}}})",
                     name, client);
}

class ApiBench {
 public:
  ApiBench(const Options& o, const pki::Kubeconfig& config) : o_(o), config_(config), tls_(config) {
    collection_ = fmt::format("/api/v1/namespaces/{}/configmaps", o_.namespace_);
    for (int c = 0; c < o_.clients; ++c) {
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
            fmt::print(stderr, "kscratch-bench api: {}\n", e.what());
          }
        },
        asio::detached);
    io_.run();
    return code;
  }

 private:
  // Fails loudly on an unexpected status: the setup steps must work for the figures to mean anything.
  asio::awaitable<HttpResponse> expect(HttpsConnection& c, const std::string& method, const std::string& target,
                                       const std::string& body, int want, int also_ok = 0) {
    auto res = co_await c.request(method, target, body);
    if (res.status != want && res.status != also_ok) {
      throw std::runtime_error(fmt::format("{} {}: HTTP {}: {}", method, target, res.status, res.body.substr(0, 300)));
    }
    co_return res;
  }

  asio::awaitable<int> drive() {
    auto& admin = *clients_.front();
    std::string post = "POST", get = "GET", del = "DELETE", none;
    std::string ns_body =
        fmt::format(R"({{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{}"}}}})", o_.namespace_);
    std::string namespaces = "/api/v1/namespaces";
    co_await expect(admin, post, namespaces, ns_body, 201, 409);
    // Leftovers of an interrupted run would change the list size.
    co_await expect(admin, del, collection_, none, 200);

    // Lists: N objects created by up to 32 connections, then listed one at a time.
    auto t0 = Clock::now();
    int workers = std::min(o_.clients, 32);
    Latch preloaded(io_, workers);
    int next = 0;
    for (int w = 0; w < workers; ++w) asio::co_spawn(io_, preload(w, next, preloaded), asio::detached);
    co_await preloaded.wait();
    if (failures_ > 0) throw std::runtime_error(fmt::format("{} creates failed while preloading: {}", failures_, first_error_));
    fmt::print("api: created {} ConfigMaps in {} in {:.1f} s\n", o_.list_objects, o_.namespace_,
               std::chrono::duration<double>(Clock::now() - t0).count());
    std::string resource_version;
    for (int i = 0; i < o_.lists; ++i) {
      auto l0 = Clock::now();
      auto res = co_await expect(admin, get, collection_, none, 200);
      list_.add(Clock::now() - l0);
      if (i + 1 < o_.lists) continue;
      auto doc = json::parse(res.body).as_object();
      auto items = doc.at("items").as_array().size();
      resource_version = std::string(doc.at("metadata").at("resourceVersion").as_string());
      if (items != static_cast<std::size_t>(o_.list_objects)) {
        throw std::runtime_error(fmt::format("list returned {} items, want {}", items, o_.list_objects));
      }
    }
    fmt::print("  list ms      p50 {:.2f}  p99 {:.2f} ({} lists of {} objects)\n", list_.quantile_ms(0.5),
               list_.quantile_ms(0.99), list_.count(), o_.list_objects);

    // The mixed load, watched from the list's revision so only the load's creates arrive.
    std::string watch_target = collection_ + "?watch=true&resourceVersion=" + resource_version;
    int watch_status = co_await watcher_->open_stream(watch_target);
    if (watch_status != 200) throw std::runtime_error(fmt::format("watch: HTTP {}", watch_status));
    Latch watch_done(io_, 1);
    asio::co_spawn(io_, watch(watch_done), asio::detached);

    double server_cpu0 = proc_cpu_seconds(o_.server_pid), self_cpu0 = self_cpu_seconds();
    started_ = Clock::now();
    deadline_ = started_ + std::chrono::seconds(o_.seconds);
    Latch loaded(io_, o_.clients);
    for (int c = 0; c < o_.clients; ++c) asio::co_spawn(io_, client(c, loaded), asio::detached);
    co_await loaded.wait();
    double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    double server_cpu = proc_cpu_seconds(o_.server_pid) - server_cpu0, self_cpu = self_cpu_seconds() - self_cpu0;
    double rss = proc_status_mib(o_.server_pid, "VmRSS"), peak = proc_status_mib(o_.server_pid, "VmHWM");

    // Events still on their way get a few seconds; any left are reported as missed.
    asio::steady_timer t(io_);
    for (int i = 0; i < 100 && !sent_.empty(); ++i) {
      t.expires_after(std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
    }
    std::size_t watch_missed = sent_.size();
    watcher_->close();
    co_await watch_done.wait();

    double creates_per_s = static_cast<double>(creates_) / elapsed;
    double gets_per_s = static_cast<double>(gets_) / elapsed;
    fmt::print("api: {} clients, {:.1f} s against {}\n", o_.clients, elapsed, config_.server);
    fmt::print("  creates      {} ({:.0f}/s)   gets {} ({:.0f}/s)   failed {}\n", creates_, creates_per_s, gets_,
               gets_per_s, failures_);
    if (failures_ > 0) fmt::print("  first error  {}\n", first_error_);
    fmt::print("  create ms    p50 {:.2f}  p99 {:.2f}\n", create_.quantile_ms(0.5), create_.quantile_ms(0.99));
    fmt::print("  get ms       p50 {:.2f}  p99 {:.2f}\n", get_.quantile_ms(0.5), get_.quantile_ms(0.99));
    fmt::print("  watch ms     p50 {:.2f}  p99 {:.2f} ({} events, {} missed)\n", watch_.quantile_ms(0.5),
               watch_.quantile_ms(0.99), watch_.count(), watch_missed);
    fmt::print("  cpu          server {:.0f}%  benchmark {:.0f}% (of one core)\n", 100 * server_cpu / elapsed,
               100 * self_cpu / elapsed);
    fmt::print("  server rss   {:.1f} MiB (peak {:.1f})\n", rss, peak);

    // Clean up (namespaces do not cascade yet, so the namespace stays). A failure here
    // does not change the figures, so it is reported and the JSON line still follows.
    auto d0 = Clock::now();
    double delete_s = -1;
    admin.set_timeout(std::chrono::minutes(10));
    try {
      co_await expect(admin, del, collection_, none, 200);
      delete_s = std::chrono::duration<double>(Clock::now() - d0).count();
      fmt::print("api: deleted the {} ConfigMaps in {} in {:.1f} s (the namespace stays)\n",
                 creates_ + static_cast<std::uint64_t>(o_.list_objects), o_.namespace_, delete_s);
    } catch (const std::exception& e) {
      fmt::print("api: could not delete the benchmark's ConfigMaps: {}\n", e.what());
    }
    fmt::print(
        "{{\"bench\":\"api\",\"clients\":{},\"seconds\":{},\"elapsed_s\":{:.1f},\"creates\":{},\"creates_per_s\":{:.0f},"
        "\"gets_per_s\":{:.0f},\"failures\":{},\"create_p50_ms\":{:.2f},\"create_p99_ms\":{:.2f},\"get_p50_ms\":{:.2f},"
        "\"get_p99_ms\":{:.2f},\"list_objects\":{},\"list_p50_ms\":{:.2f},\"list_p99_ms\":{:.2f},\"watch_p50_ms\":{:.2f},"
        "\"watch_p99_ms\":{:.2f},\"watch_missed\":{},\"server_cpu_pct\":{:.0f},\"bench_cpu_pct\":{:.0f},"
        "\"rss_mib\":{:.1f},\"peak_rss_mib\":{:.1f},\"delete_collection_s\":{:.1f}}}\n",
        o_.clients, o_.seconds, elapsed, creates_, creates_per_s, gets_per_s, failures_, create_.quantile_ms(0.5),
        create_.quantile_ms(0.99), get_.quantile_ms(0.5), get_.quantile_ms(0.99), o_.list_objects,
        list_.quantile_ms(0.5), list_.quantile_ms(0.99), watch_.quantile_ms(0.5), watch_.quantile_ms(0.99),
        watch_missed, server_cpu < 0 ? -1.0 : 100 * server_cpu / elapsed, 100 * self_cpu / elapsed, rss, peak, delete_s);
    co_return failures_ == 0 && watch_missed == 0 ? 0 : 1;
  }

  void record_failure(const std::string& what) {
    if (failures_++ == 0) first_error_ = what;
  }

  asio::awaitable<void> preload(int w, int& next, Latch& done) {
    std::string post = "POST";
    while (next < o_.list_objects) {
      auto name = fmt::format("list-{:06}", next++);
      auto body = configmap_json(name, w);
      try {
        auto res = co_await clients_[static_cast<std::size_t>(w)]->request(post, collection_, body);
        if (res.status != 201) record_failure(fmt::format("create {}: HTTP {}: {}", name, res.status, res.body));
      } catch (const std::exception& e) {
        record_failure(fmt::format("create {}: {}", name, e.what()));
      }
    }
    done.count_down();
  }

  // One client: create a ConfigMap, then get one of its own at random, until the deadline.
  asio::awaitable<void> client(int c, Latch& done) {
    auto& conn = *clients_[static_cast<std::size_t>(c)];
    std::string post = "POST", get = "GET", none;
    std::vector<std::string> mine;
    std::minstd_rand rng(static_cast<unsigned>(c) + 1);
    for (int seq = 0; Clock::now() < deadline_; ++seq) {
      auto name = fmt::format("c{:04}-{:07}", c, seq);
      auto body = configmap_json(name, c);
      auto t0 = Clock::now();
      sent_.emplace(name, t0);
      try {
        auto res = co_await conn.request(post, collection_, body);
        create_.add(Clock::now() - t0);
        if (res.status == 201) {
          ++creates_;
          mine.push_back(name);
        } else {
          sent_.erase(name);
          record_failure(fmt::format("create {}: HTTP {}: {}", name, res.status, res.body));
        }
        if (mine.empty()) continue;
        auto target = collection_ + "/" + mine[rng() % mine.size()];
        auto g0 = Clock::now();
        res = co_await conn.request(get, target, none);
        get_.add(Clock::now() - g0);
        if (res.status == 200) ++gets_;
        else record_failure(fmt::format("get {}: HTTP {}: {}", target, res.status, res.body));
      } catch (const std::exception& e) {
        sent_.erase(name);
        record_failure(fmt::format("client {}: {}", c, e.what()));
      }
    }
    done.count_down();
  }

  // Times each ADDED event against the moment its create was about to be sent.
  asio::awaitable<void> watch(Latch& done) {
    for (;;) {
      auto line = co_await watcher_->next_line();
      if (!line) break;
      auto now = Clock::now();
      boost::system::error_code ec;
      auto event = json::parse(*line, ec);
      if (ec || !event.is_object()) continue;
      auto* type = event.as_object().if_contains("type");
      if (!type || !type->is_string() || type->get_string() != "ADDED") continue;
      auto* object = event.as_object().if_contains("object");
      auto* meta = object && object->is_object() ? object->as_object().if_contains("metadata") : nullptr;
      auto* name = meta && meta->is_object() ? meta->as_object().if_contains("name") : nullptr;
      if (!name || !name->is_string()) continue;
      auto it = sent_.find(std::string(name->get_string()));
      if (it == sent_.end()) continue;
      watch_.add(now - it->second);
      sent_.erase(it);
    }
    done.count_down();
  }

  const Options& o_;
  const pki::Kubeconfig& config_;
  asio::io_context io_{1};
  TlsClientContext tls_;
  std::vector<std::unique_ptr<HttpsConnection>> clients_;
  std::unique_ptr<HttpsConnection> watcher_;
  std::string collection_;
  Clock::time_point started_, deadline_;
  Histogram create_, get_, list_, watch_;
  std::unordered_map<std::string, Clock::time_point> sent_;
  std::uint64_t creates_ = 0, gets_ = 0, failures_ = 0;
  std::string first_error_;
};

}  // namespace

int api_bench(const std::vector<std::string>& args) {
  Options o;
  po::options_description d("api benchmark flags");
  d.add_options()
    ("clients", po::value(&o.clients)->default_value(o.clients), "concurrent clients, one connection each")
    ("seconds", po::value(&o.seconds)->default_value(o.seconds), "duration of the create/get load")
    ("kubeconfig", po::value(&o.kubeconfig)->required(), "kubeconfig of the server (admin credentials)")
    ("namespace", po::value(&o.namespace_)->default_value(o.namespace_), "namespace to create objects in")
    ("list-objects", po::value(&o.list_objects)->default_value(o.list_objects), "objects in each timed list")
    ("lists", po::value(&o.lists)->default_value(o.lists), "how many lists to time")
    ("server-pid", po::value(&o.server_pid)->default_value(o.server_pid), "server process, for its RSS (-1: unknown)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "kscratch-bench api: {}\n", e.what());
    return 2;
  }
  if (o.clients < 1 || o.seconds < 1 || o.list_objects < 0 || o.lists < 1) {
    fmt::print(stderr, "kscratch-bench api: --clients, --seconds and --lists must be positive\n");
    return 2;
  }
  return run_against_cluster<ApiBench>("api", o);
}

}  // namespace kscratch::bench
