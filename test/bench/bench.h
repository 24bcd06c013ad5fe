#pragma once
// kscratch-bench subcommands. Each prints human-readable lines, then one JSON line of
// figures as its last line of output.

#include <string>
#include <vector>

namespace kscratch::bench {

int store_bench(const std::vector<std::string>& args);
// The scheduler benchmark (scheduler_bench.cc): an in-process server and scheduler, N nodes, P pods.
int scheduler_bench(const std::vector<std::string>& args);

// Resident set size of this process, in MiB (VmRSS), and its peak (VmHWM).
double rss_mib();
double peak_rss_mib();

}  // namespace kscratch::bench
