// The proxy benchmark (issue 6), against a running single-node cluster whose proxy owns
// table ip --table: S selector-less Services, each with an EndpointSlice of E endpoints at
// unused addresses (10.42.128.0 on, never contacted), created through the API.
//
//   programmed_all_ms   from the first create until the running proxy's service-ips map
//                       holds all S ClusterIPs (read back over netlink): dominated by the
//                       API creating 2*S objects, reported for context.
//   full_sync_ms        the proxy's full sync of the S services, timed here in-process
//                       with the proxy's own code (the model from the API objects, then
//                       NftWriter::full_sync into a scratch table, until the kernel
//                       acknowledges the transaction): what the proxy does at start on an
//                       empty table. full_resync_ms: the same into the populated table, as
//                       a restarted proxy reconciles.
//   p99_programming_ms  N times: one EndpointSlice's first endpoint moves to a fresh
//                       address (an update through the API), timed from just before the
//                       request until the running proxy's table sends the service's traffic
//                       to the new address: one of the slots of the service chain's random
//                       pick (its numgen offset, read once per change) holds it: the E slots
//                       read in one GETSETELEM over netlink every 0.2 ms.
//   rss_mib             VmRSS of the `kscratch server` process after the services synced.
//
// The namespace is deleted at the end.

#include "bench.h"
#include "kscratch/client/client.h"
#include "kscratch/client/transport.h"
#include "kscratch/netfilter/read.h"
#include "kscratch/pki/pki.h"

#include "model.h"
#include "nft_writer.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace kscratch::bench {

int proxy_bench(const std::vector<std::string>& args);

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

struct Options {
  int services = 1000;
  int endpoints = 3;
  int changes = 200;
  int concurrency = 16;
  std::string kubeconfig;
  std::string namespace_;
  std::string table;
  long server_pid = -1;
  int timeout_seconds = 600;
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

double proc_rss_mib(long pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// The one `kscratch server` process, or -1.
long find_server() {
  std::vector<long> found;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto first = all.substr(0, all.find('\0'));
    auto rest = all.size() > first.size() ? all.substr(first.size() + 1) : std::string();
    if (std::filesystem::path(first).filename() == "kscratch" && rest.rfind("server", 0) == 0) found.push_back(std::stol(name));
  }
  return found.size() == 1 ? found.front() : -1;
}

// The proxy table of the only agent on this machine (host-names.env in /run/kscratch-*).
std::string find_table() {
  std::vector<std::string> tables;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator("/run", ec)) {
    if (entry.path().filename().string().rfind("kscratch-", 0) != 0) continue;
    std::ifstream in(entry.path() / "host-names.env");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("PROXY_TABLE=", 0) == 0) tables.push_back(line.substr(12));
    }
  }
  return tables.size() == 1 ? tables.front() : std::string();
}

// 10.42.128.0 + n: the upper half of the default cluster CIDR, which no node gets as pod CIDR here.
std::string endpoint_ip(int n) {
  return proxy::ipv4_string(((10u << 24) | (42u << 16) | (128u << 8)) + static_cast<std::uint32_t>(n));
}

std::string svc_name(int i) { return fmt::format("svc-{:05}", i); }

json::object service_object(int i) {
  json::object port{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}};
  json::object spec{{"ports", json::array{port}}};
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"metadata", json::object{{"name", svc_name(i)}}},
                      {"spec", std::move(spec)}};
}

json::object slice_object(const std::string& ns, int i, int endpoints, int first_ip) {
  json::array eps;
  for (int j = 0; j < endpoints; ++j) {
    eps.push_back(json::object{{"addresses", json::array{endpoint_ip(first_ip + j).c_str()}},
                               {"conditions", json::object{{"ready", true}}}});
  }
  return json::object{
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata", json::object{{"name", svc_name(i) + "-bench"},
                                {"namespace", ns},
                                {"labels", json::object{{"kubernetes.io/service-name", svc_name(i)}}}}},
      {"addressType", "IPv4"},
      {"ports", json::array{json::object{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}},
      {"endpoints", std::move(eps)}};
}

class ProxyBench {
 public:
  ProxyBench(const Options& o, const pki::Kubeconfig& config)
      : o_(o), client_(client::make_https_transport(io_.get_executor(), config), "kscratch-bench") {}

  int run() {
    int rc = 1;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          try {
            rc = co_await main();
          } catch (const std::exception& e) {
            fmt::print(stderr, "kscratch-bench proxy: {}\n", e.what());
            rc = 1;
          }
          io_.stop();
        },
        asio::detached);
    io_.run();
    return rc;
  }

 private:
  asio::awaitable<void> sleep(Clock::duration d) {
    asio::steady_timer t(io_, d);
    co_await t.async_wait(asio::use_awaitable);
  }

  Expected<std::size_t> service_ips_in(const std::string& ns) {
    auto elements = netfilter::list_set_elements(o_.table, "service-ips");
    if (!elements) return elements.error();
    (void)ns;
    return elements->size();
  }

  asio::awaitable<void> creator(int worker, int& failures) {
    for (int i = worker; i < o_.services; i += o_.concurrency) {
      auto svc = service_object(i);
      auto created = co_await client_.create(client::kinds::services, o_.namespace_, svc);
      if (!created) {
        if (++failures == 1) fmt::print(stderr, "create service {}: {}\n", svc_name(i), created.error().message);
        continue;
      }
      auto slice = slice_object(o_.namespace_, i, o_.endpoints, i * o_.endpoints);
      auto made = co_await client_.create(client::kinds::endpointslices, o_.namespace_, slice);
      if (!made && ++failures == 1) fmt::print(stderr, "create slice {}: {}\n", svc_name(i), made.error().message);
    }
    ++workers_done_;
  }

  asio::awaitable<int> main() {
    auto before = service_ips_in(o_.namespace_);
    if (!before) throw std::runtime_error(fmt::format("cannot read table ip {}: {}", o_.table, before.error().message));
    long pid = o_.server_pid > 0 ? o_.server_pid : find_server();
    double rss_before = pid > 0 ? proc_rss_mib(pid) : -1;

    json::object ns{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", json::object{{"name", o_.namespace_}}}};
    const std::string cluster_scope;
    auto made = co_await client_.create(client::kinds::namespaces, cluster_scope, ns);
    if (!made) throw std::runtime_error("create namespace " + o_.namespace_ + ": " + made.error().message);

    // 1. Create, and wait for the running proxy to program every service.
    auto start = Clock::now();
    int failures = 0;
    for (int w = 0; w < o_.concurrency; ++w) asio::co_spawn(io_, creator(w, failures), asio::detached);
    while (workers_done_ < o_.concurrency) co_await sleep(std::chrono::milliseconds(20));
    auto created_ms = ms(Clock::now() - start);
    if (failures) throw std::runtime_error(fmt::format("{} creates failed", failures));
    fmt::print("created {} services and {} endpoint slices in {:.0f} ms\n", o_.services, o_.services, created_ms);
    auto want = *before + static_cast<std::size_t>(o_.services);
    auto deadline = Clock::now() + std::chrono::seconds(o_.timeout_seconds);
    for (;;) {
      auto now = service_ips_in(o_.namespace_);
      if (!now) throw std::runtime_error(now.error().message);
      if (*now >= want) break;
      if (Clock::now() > deadline) throw std::runtime_error(fmt::format("only {} of {} services programmed", *now, want));
      co_await sleep(std::chrono::milliseconds(10));
    }
    auto programmed_all_ms = ms(Clock::now() - start);
    fmt::print("the proxy had programmed all of them {:.0f} ms after the first create\n", programmed_all_ms);
    co_await sleep(std::chrono::seconds(1));
    double rss = pid > 0 ? proc_rss_mib(pid) : -1;

    // 2. The full sync, with the proxy's code, into a scratch table.
    auto [full_ms, resync_ms, messages] = co_await full_sync();

    // 3. Programming latency of single EndpointSlice changes.
    std::mt19937 rng(42);
    std::vector<double> latencies;
    int next_ip = o_.services * o_.endpoints;
    for (int c = 0; c < o_.changes; ++c) {
      int i = static_cast<int>(rng() % static_cast<unsigned>(o_.services));
      int ip = next_ip++;
      auto slice = slice_object(o_.namespace_, i, o_.endpoints, i * o_.endpoints);
      slice["endpoints"].as_array()[0].as_object()["addresses"] = json::array{endpoint_ip(ip).c_str()};
      json::value patch = json::object{{"endpoints", slice["endpoints"]}};
      auto chain = proxy::service_chain_name("service", o_.namespace_, svc_name(i), proxy::Protocol::kTcp, "http");
      auto offsets = netfilter::numgen_offsets(o_.table, chain);
      if (!offsets) throw std::runtime_error(offsets.error().message);
      if (offsets->size() != 1) throw std::runtime_error(fmt::format("{}: {} numgen expressions", chain, offsets->size()));
      auto new_ip = proxy::parse_ipv4(endpoint_ip(ip));
      std::array<std::uint8_t, 4> want_bytes{static_cast<std::uint8_t>(*new_ip >> 24), static_cast<std::uint8_t>(*new_ip >> 16),
                                             static_cast<std::uint8_t>(*new_ip >> 8), static_cast<std::uint8_t>(*new_ip)};
      std::vector<std::vector<std::uint8_t>> slot_keys;
      for (int slot = 0; slot < o_.endpoints; ++slot) {
        std::uint32_t key = offsets->front() + static_cast<std::uint32_t>(slot);
        slot_keys.emplace_back(4);
        std::memcpy(slot_keys.back().data(), &key, 4);
      }
      const auto map = proxy::NftWriter::slot_map_name(false, offsets->front());
      auto programmed = [&]() -> bool {
        auto elements = netfilter::get_set_elements(o_.table, map, slot_keys);  // one request
        if (!elements) throw std::runtime_error(elements.error().message);
        return std::any_of(elements->begin(), elements->end(), [&](const netfilter::SetElement& e) {
          return e.data.size() >= 4 && std::equal(want_bytes.begin(), want_bytes.end(), e.data.begin());
        });
      };
      std::string name = svc_name(i) + "-bench";
      auto sent = Clock::now();
      auto r = co_await client_.patch(client::kinds::endpointslices, o_.namespace_, name, client::PatchType::kMerge, patch);
      if (!r) throw std::runtime_error("patch " + name + ": " + r.error().message);
      auto limit = sent + std::chrono::seconds(10);
      for (;;) {
        if (programmed()) break;
        if (Clock::now() > limit) throw std::runtime_error("change not programmed after 10 s: " + chain + " to " + endpoint_ip(ip));
        // Busy-polling from this thread: the proxy runs in the server's process.
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      latencies.push_back(ms(Clock::now() - sent));
      co_await sleep(std::chrono::milliseconds(5));
    }
    auto p50 = quantile(latencies, 0.5), p99 = quantile(latencies, 0.99);
    fmt::print("{} EndpointSlice changes: programmed p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n", latencies.size(), p50,
               p99, quantile(latencies, 1.0));
    fmt::print("server rss {:.1f} MiB (before {:.1f} MiB)\n", rss, rss_before);

    client::DeleteOptions delete_options;
    auto gone = co_await client_.remove(client::kinds::namespaces, cluster_scope, o_.namespace_, delete_options);
    if (!gone) fmt::print(stderr, "delete namespace {}: {}\n", o_.namespace_, gone.error().message);

    fmt::print(
        "{{\"bench\":\"proxy\",\"services\":{},\"endpoints\":{},\"full_sync_ms\":{:.1f},\"full_resync_ms\":{:.1f},"
        "\"full_sync_messages\":{},\"p50_programming_ms\":{:.2f},\"p99_programming_ms\":{:.2f},\"changes\":{},"
        "\"programmed_all_ms\":{:.0f},\"create_ms\":{:.0f},\"rss_mib\":{:.1f},\"rss_before_mib\":{:.1f}}}\n",
        o_.services, o_.endpoints, full_ms, resync_ms, messages, p50, p99, latencies.size(), programmed_all_ms,
        created_ms, rss, rss_before);
    co_return 0;
  }

  // The proxy's full sync of the benchmark's services: list them through the API, build
  // each one's rules with the proxy's model, write them with the proxy's writer.
  asio::awaitable<std::tuple<double, double, std::size_t>> full_sync() {
    client::ListOptions options;
    auto services = co_await client_.list(client::kinds::services, o_.namespace_, options);
    if (!services) throw std::runtime_error("list services: " + services.error().message);
    auto slices = co_await client_.list(client::kinds::endpointslices, o_.namespace_, options);
    if (!slices) throw std::runtime_error("list slices: " + slices.error().message);
    std::map<std::string, std::vector<const json::object*>> by_service;
    for (const auto& s : slices->items) {
      by_service[std::string(s.at("metadata").at("labels").at("kubernetes.io/service-name").as_string())].push_back(&s);
    }
    proxy::ModelContext context{"bench-node", proxy::Cidr::parse("10.42.0.0/16")};
    std::string table = fmt::format("kscratch-proxy-bench-{}", ::getpid());
    proxy::NftWriter writer(table);
    double times[2] = {0, 0};
    for (double& t : times) {
      auto start = Clock::now();
      std::map<std::string, proxy::ServiceRules> all;
      for (const auto& svc : services->items) {
        auto info = proxy::parse_service(svc);
        std::vector<proxy::SliceInfo> parsed;
        for (const auto* s : by_service[info.name]) parsed.push_back(proxy::parse_endpoint_slice(*s));
        all.emplace(info.ns + "/" + info.name, proxy::build_service_rules(info, parsed, context));
      }
      auto model_ms = ms(Clock::now() - start);
      auto s = writer.full_sync(all);
      t = ms(Clock::now() - start);
      if (!s) {
        (void)proxy::NftWriter::delete_table(table);
        throw std::runtime_error("full sync: " + s.error().message);
      }
      fmt::print("full sync of {} services: {:.1f} ms ({} messages; model {:.1f} ms)\n", all.size(), t,
                 writer.last_messages(), model_ms);
    }
    auto messages = writer.last_messages();
    if (auto s = proxy::NftWriter::delete_table(table); !s) fmt::print(stderr, "delete {}: {}\n", table, s.error().message);
    co_return std::tuple{times[0], times[1], messages};
  }

  const Options& o_;
  asio::io_context io_{1};
  client::Client client_;
  int workers_done_ = 0;
};

}  // namespace

int proxy_bench(const std::vector<std::string>& args) {
  Options o;
  po::options_description d("proxy benchmark flags");
  d.add_options()
    ("services", po::value(&o.services)->default_value(o.services), "services to create")
    ("endpoints", po::value(&o.endpoints)->default_value(o.endpoints), "endpoints per service")
    ("changes", po::value(&o.changes)->default_value(o.changes), "EndpointSlice changes to time")
    ("concurrency", po::value(&o.concurrency)->default_value(o.concurrency), "create requests in flight")
    ("kubeconfig", po::value(&o.kubeconfig)->required(), "kubeconfig of the server (admin credentials)")
    ("namespace", po::value(&o.namespace_), "namespace to create (default kscratch-proxy-<pid>); must not exist")
    ("table", po::value(&o.table), "the proxy's nf_tables table (default: PROXY_TABLE of the one agent in /run)")
    ("server-pid", po::value(&o.server_pid)->default_value(o.server_pid), "the kscratch server (-1: find it in /proc)")
    ("timeout-seconds", po::value(&o.timeout_seconds)->default_value(o.timeout_seconds), "wait at most this long");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::ostringstream flags;
    flags << d;
    fmt::print(stderr, "kscratch-bench proxy: {}\n{}", e.what(), flags.str());
    return 2;
  }
  if (o.services < 1 || o.endpoints < 1 || o.endpoints > 100 || o.services * o.endpoints + o.changes > 32000 ||
      o.concurrency < 1 || o.changes < 1) {
    fmt::print(stderr, "kscratch-bench proxy: need --services >= 1, 1 <= --endpoints <= 100, --changes >= 1, and "
                       "services*endpoints+changes <= 32000 (endpoint addresses come from 10.42.128.0/17)\n");
    return 2;
  }
  if (::geteuid() != 0) {
    fmt::print(stderr, "kscratch-bench proxy: run as root (it reads nf_tables over netlink)\n");
    return 1;
  }
  if (o.namespace_.empty()) o.namespace_ = fmt::format("kscratch-proxy-{}", ::getpid());
  if (o.table.empty()) o.table = find_table();
  if (o.table.empty()) {
    fmt::print(stderr, "kscratch-bench proxy: no --table, and not exactly one agent in /run/kscratch-*/host-names.env\n");
    return 2;
  }
  return run_against_cluster<ProxyBench>("proxy", o);
}

}  // namespace kscratch::bench
