#pragma once
// What each command runs, once its flags are parsed.

#include "kscratch/cli/config.h"

#include <string>
#include <vector>

namespace kscratch::cli {

int run_server(const ServerConfig& config);
int run_agent(const AgentConfig& config);
int run_kubectl(const std::vector<std::string>& args);
int run_images(const std::vector<std::string>& args);   // src/cli/images.cc
int run_monitor(const std::vector<std::string>& args);  // src/cli/monitor.cc
int run_version();

}  // namespace kscratch::cli
