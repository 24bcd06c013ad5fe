#include "common.h"

#include <fmt/format.h>

namespace kscratch::cli::flags {

Parsed<AgentConfig> parse_agent(const std::vector<std::string>& args) {
  AgentConfig c;
  po::options_description d("Flags");
  add_common(d, c.verbosity, c.shutdown_timeout);
  std::string data_dir = c.data_dir;
  NodeFlags node_flags;
  d.add_options()
    ("server,s", po::value(&c.server)->value_name("URL"), "Server to join, https://HOST:6443 (required)")
    ("token,t", po::value(&c.token)->value_name("TOKEN"), "Join token printed by the server (required)")
    ("data-dir,d", po::value(&data_dir)->default_value(data_dir)->value_name("DIR"), "Folder to hold state");
  add_node(d, c.node, node_flags);
  return parse<AgentConfig>(
      "Usage: kscratch agent --server URL --token TOKEN [flags]\n\nRuns a node (kubelet and proxy) that joins "
      "a kscratch server.",
      d, args, [&](const po::variables_map&) -> Parsed<AgentConfig> {
        if (c.server.empty()) return UsageError{"--server is required"};
        if (c.server.rfind("https://", 0) != 0) {
          return UsageError{fmt::format("--server {} must be an https:// URL", c.server)};
        }
        if (c.token.empty()) return UsageError{"--token is required"};
        if (auto bad = finish_node(c.node, node_flags)) return UsageError{*bad};
        c.data_dir = data_dir;
        return c;
      });
}

}  // namespace kscratch::cli::flags
