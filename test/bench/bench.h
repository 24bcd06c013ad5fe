#pragma once
// kscratch-bench subcommands. Each prints human-readable lines, then one JSON line of
// figures as its last line of output.

#include "kscratch/pki/pki.h"

#include <fmt/format.h>

#include <exception>
#include <string>
#include <vector>

namespace kscratch::bench {

int store_bench(const std::vector<std::string>& args);
// The scheduler benchmark (scheduler_bench.cc): an in-process server and scheduler, N nodes, P pods.
int scheduler_bench(const std::vector<std::string>& args);

// Runs a benchmark against a running cluster: reads the options' kubeconfig, builds
// Bench(options, kubeconfig) and runs it; failures are printed naming the benchmark.
template <class Bench, class Options>
int run_against_cluster(const char* name, const Options& o) {
  auto config = pki::read_kubeconfig(o.kubeconfig);
  if (!config) {
    fmt::print(stderr, "kscratch-bench {}: {}\n", name, config.error().message);
    return 1;
  }
  try {
    Bench bench(o, *config);
    return bench.run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "kscratch-bench {}: {}\n", name, e.what());
    return 1;
  }
}

// Resident set size of this process, in MiB (VmRSS), and its peak (VmHWM).
double rss_mib();
double peak_rss_mib();

}  // namespace kscratch::bench
