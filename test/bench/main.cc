// kscratch-bench: on-demand benchmarks (never run by the tests). See README.
#include "bench.h"

#include <fmt/format.h>

#include <fstream>
#include <string>

namespace kscratch::bench {

// The API benchmark (api_bench.cc), declared here to keep its change to this file.
int api_bench(const std::vector<std::string>& args);
// The pod start-up benchmark (podstartup.cc).
int podstartup_bench(const std::vector<std::string>& args);
// The proxy benchmark (proxy_bench.cc).
int proxy_bench(const std::vector<std::string>& args);

namespace {
double status_mib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}
}  // namespace

double rss_mib() { return status_mib("VmRSS"); }
double peak_rss_mib() { return status_mib("VmHWM"); }

}  // namespace kscratch::bench

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  constexpr const char* usage =
      "Usage: kscratch-bench store --clients C --seconds S [--value-bytes B] [--watchers W] [--dir DIR]\n"
      "       kscratch-bench api --clients C --seconds S --kubeconfig FILE [--namespace NS] [--list-objects N]\n"
      "                          [--lists L] [--server-pid PID]\n"
      "       kscratch-bench scheduler --nodes N --pods P [--concurrency C] [--timeout-seconds S] [--no-owner]\n"
      "                                [--zones Z] [--dir DIR]\n"
      "       kscratch-bench podstartup --pods P --image REF --kubeconfig FILE [--namespace NS] [--node NODE]\n"
      "                                 [--qps N] [--concurrency C] [--server-pid PID] [--timeout-seconds S]\n"
      "       kscratch-bench proxy --services S --endpoints E --kubeconfig FILE [--changes N] [--table T]\n"
      "                            [--namespace NS] [--concurrency C] [--server-pid PID]\n";
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    fmt::print(args.empty() ? stderr : stdout, "{}", usage);
    return args.empty() ? 2 : 0;
  }
  auto name = args.front();
  args.erase(args.begin());
  if (name == "store") return kscratch::bench::store_bench(args);
  if (name == "api") return kscratch::bench::api_bench(args);
  if (name == "scheduler") return kscratch::bench::scheduler_bench(args);
  if (name == "podstartup") return kscratch::bench::podstartup_bench(args);
#ifdef KSCRATCH_BENCH_PROXY
  if (name == "proxy") return kscratch::bench::proxy_bench(args);
#endif
  fmt::print(stderr, "kscratch-bench: unknown benchmark '{}'\n{}", name, usage);
  return 2;
}
