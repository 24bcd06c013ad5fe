// The store benchmark: C concurrent writers (coroutines on one io_context, as the
// apiserver's requests will be) create and then update their own keys for S seconds,
// while W watchers follow the whole prefix. Durability is the production setting
// (synchronous=FULL: every acknowledged write is fsynced).

#include "bench.h"
#include "histogram.h"
#include "kscratch/store/store.h"
#include "kscratch/util/log.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <random>

namespace kscratch::bench {

namespace asio = boost::asio;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

int store_bench(const std::vector<std::string>& args) {
  int clients = 500, seconds = 10, watchers = 0;
  std::size_t value_bytes = 1024;
  std::string dir;
  po::options_description d("store benchmark flags");
  d.add_options()
    ("clients", po::value(&clients)->default_value(clients), "concurrent writers")
    ("seconds", po::value(&seconds)->default_value(seconds), "duration")
    ("value-bytes", po::value(&value_bytes)->default_value(value_bytes), "value size")
    ("watchers", po::value(&watchers)->default_value(watchers), "watchers of the prefix")
    ("dir", po::value(&dir), "directory for the database (default: a new one under /var/tmp)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "kscratch-bench store: {}\n", e.what());
    return 2;
  }
  if (clients < 1 || seconds < 1 || watchers < 0) {
    fmt::print(stderr, "kscratch-bench store: --clients and --seconds must be positive\n");
    return 2;
  }

  bool own_dir = dir.empty();
  if (own_dir) dir = fmt::format("/var/tmp/kscratch-bench-{}", std::random_device{}());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  asio::io_context io(1);
  store::StoreOptions options;
  options.path = std::filesystem::path(dir) / "state.db";
  auto opened = store::open_store(io, options);
  if (!opened) {
    fmt::print(stderr, "kscratch-bench store: {}\n", opened.error().message);
    return 1;
  }
  auto db = *opened;

  Histogram commit, delivery;
  std::uint64_t writes = 0, failures = 0;
  bool running = true;
  int writers_left = clients;
  auto started = Clock::now();
  auto deadline = started + std::chrono::seconds(seconds);
  std::string value(value_bytes, 'x');

  for (int w = 0; w < watchers; ++w) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto watch = db->watch("/bench/", 0);
          while (running) {
            auto events = co_await watch->next();
            if (!events) break;
            auto now = Clock::now();
            for (auto& e : *events) delivery.add(now - e->committed_at);
          }
        },
        asio::detached);
  }
  for (int c = 0; c < clients; ++c) {
    asio::co_spawn(
        io,
        [&, c]() -> asio::awaitable<void> {
          auto key = fmt::format("/bench/{:06}", c);
          store::Revision last = 0;
          while (Clock::now() < deadline) {
            auto t0 = Clock::now();
            // NOTE: not a ?: with co_await in both arms, which g++ 12 miscompiles.
            store::Result<store::WriteResult> r = store::Errc::closed;
            if (last == 0) {
              r = co_await db->create(key, value);
            } else {
              r = co_await db->update(key, value, last);
            }
            commit.add(Clock::now() - t0);
            if (r) {
              last = r->revision;
              ++writes;
            } else {
              ++failures;
            }
          }
          if (--writers_left == 0) {
            running = false;
            db->close();  // ends the watchers
          }
        },
        asio::detached);
  }
  io.run();
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  auto stats = db->stats();
  double rss = rss_mib(), peak = peak_rss_mib();
  db.reset();
  if (own_dir) std::filesystem::remove_all(dir);

  double per_s = static_cast<double>(writes) / elapsed;
  fmt::print("store: {} clients, {} watchers, {} B values, {:.1f} s\n", clients, watchers, value_bytes, elapsed);
  fmt::print("  writes       {} ({:.0f}/s), failed {}\n", writes, per_s, failures);
  fmt::print("  commits      {} ({:.1f} writes per fsync)\n", stats.commits,
             stats.commits ? static_cast<double>(stats.writes) / static_cast<double>(stats.commits) : 0.0);
  fmt::print("  commit ms    p50 {:.2f}  p99 {:.2f}\n", commit.quantile_ms(0.5), commit.quantile_ms(0.99));
  fmt::print("  watch ms     p50 {:.2f}  p99 {:.2f} ({} deliveries)\n", delivery.quantile_ms(0.5),
             delivery.quantile_ms(0.99), delivery.count());
  fmt::print("  rss MiB      {:.1f} (peak {:.1f})\n", rss, peak);
  fmt::print(
      "{{\"bench\":\"store\",\"clients\":{},\"watchers\":{},\"value_bytes\":{},\"seconds\":{:.1f},"
      "\"writes\":{},\"writes_per_s\":{:.0f},\"p50_ms\":{:.2f},\"p99_ms\":{:.2f},\"watch_p50_ms\":{:.2f},"
      "\"watch_p99_ms\":{:.2f},\"writes_per_commit\":{:.1f},\"rss_mib\":{:.1f},\"peak_rss_mib\":{:.1f}}}\n",
      clients, watchers, value_bytes, elapsed, writes, per_s, commit.quantile_ms(0.5), commit.quantile_ms(0.99),
      delivery.quantile_ms(0.5), delivery.quantile_ms(0.99),
      stats.commits ? static_cast<double>(stats.writes) / static_cast<double>(stats.commits) : 0.0, rss, peak);
  return failures == 0 ? 0 : 1;
}

}  // namespace kscratch::bench
