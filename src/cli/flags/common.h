#pragma once
// Shared pieces of the flag definitions: parsing a vector of arguments with a set of
// options, and turning Boost's exceptions into UsageError.

#include "flags.h"

#include <boost/program_options.hpp>

#include <functional>
#include <sstream>

namespace kscratch::cli::flags {

namespace po = boost::program_options;

// Parses args against options; calls finish(vm) to validate and build the config.
template <class Config>
Parsed<Config> parse(const std::string& usage, const po::options_description& options,
                     const std::vector<std::string>& args,
                     const std::function<Parsed<Config>(const po::variables_map&)>& finish) {
  po::variables_map vm;
  // klog spells verbosity -v=N; Program_options reads a short flag's value without '='.
  std::vector<std::string> normalized = args;
  for (auto& a : normalized) {
    if (a.rfind("-v=", 0) == 0) a = "--v=" + a.substr(3);
  }
  try {
    // Positional arguments are not accepted by any role command.
    po::store(po::command_line_parser(normalized).options(options).positional({}).run(), vm);
    if (vm.count("help")) {
      std::ostringstream text;
      text << usage << "\n\n" << options;
      return Help{text.str()};
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return UsageError{e.what()};
  }
  return finish(vm);
}

inline void add_common(po::options_description& d, int& verbosity, std::chrono::seconds& shutdown_timeout) {
  d.add_options()
    ("help,h", "Show this help")
    ("v,v", po::value<int>(&verbosity)->default_value(0)->value_name("N"),
     "Log verbosity: 0 info, 2 debug, 4 trace")
    ("shutdown-timeout", po::value<long>()->default_value(shutdown_timeout.count())->value_name("SECONDS")
       ->notifier([&](long s) { shutdown_timeout = std::chrono::seconds(s); }),
     "How long components get to stop after SIGINT/SIGTERM");
}

}  // namespace kscratch::cli::flags
