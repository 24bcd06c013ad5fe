#include "kscratch/cli/cli.h"

#include "flags/flags.h"
#include "kscratch/util/log.h"
#include "roles.h"

#include <fmt/format.h>

#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::cli {

namespace {

constexpr const char* kUsage = R"(kscratch: Kubernetes from scratch, in one binary

Usage: kscratch COMMAND [flags]

Commands:
  server    Run the control plane (and a local agent)
  agent     Run a node that joins a server
  kubectl   Run kubectl against the cluster
  images    List and import container images on this node
  version   Print the version

Run 'kscratch COMMAND --help' for a command's flags.
)";

template <class Config, class Run>
int dispatch(const std::string& command, const flags::Parsed<Config>& parsed, Run run) {
  if (auto* help = std::get_if<flags::Help>(&parsed)) {
    fmt::print("{}", help->text);
    return 0;
  }
  if (auto* error = std::get_if<flags::UsageError>(&parsed)) {
    fmt::print(stderr, "kscratch {}: {}\nRun 'kscratch {} --help' for usage.\n", command, error->message, command);
    return 2;
  }
  return run(std::get<Config>(parsed));
}

int run_command(const std::string& command, const std::vector<std::string>& args) {
  if (command == "server") return dispatch(command, flags::parse_server(args), run_server);
  if (command == "agent") return dispatch(command, flags::parse_agent(args), run_agent);
  if (command == "kubectl") return run_kubectl(args);
#ifdef KSCRATCH_WITH_IMAGES
  if (command == "images") return run_images(args);
#endif
#ifdef KSCRATCH_WITH_CONTAINERS
  // The per-container monitor the kubelet starts (not for users; like CRI-O's conmon).
  if (command == "monitor") return run_monitor(args);
#endif
  if (command == "version" || command == "--version") {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
      fmt::print("Usage: kscratch version\n\nPrints the kscratch and Kubernetes versions.\n");
      return 0;
    }
    if (!args.empty()) {
      fmt::print(stderr, "kscratch version: unexpected argument '{}'\n", args[0]);
      return 2;
    }
    return run_version();
  }
  if (command == "help" || command == "--help" || command == "-h") {
    fmt::print("{}", kUsage);
    return 0;
  }
  fmt::print(stderr, "kscratch: unknown command '{}'\n\n{}", command, kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    // Invoked through a symlink named kubectl: behave as kubectl.
    if (argc > 0 && std::filesystem::path(argv[0]).filename() == "kubectl") return run_kubectl(args);
    if (args.empty()) {
      fmt::print(stderr, "{}", kUsage);
      return 2;
    }
    auto command = args.front();
    args.erase(args.begin());
    return run_command(command, args);
  } catch (const std::exception& e) {
    log::error("kscratch", "fatal: {}", e.what());
    return 1;
  }
}

}  // namespace kscratch::cli
