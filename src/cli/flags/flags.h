#pragma once
// Flag definitions of every command, parsed with Boost.Program_options. Each parse
// returns the filled config, a request for help (with the text to print), or a usage
// error naming the flag; the caller turns the latter into exit code 2.

#include "kscratch/cli/config.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kscratch::cli::flags {

struct Help {
  std::string text;
};
struct UsageError {
  std::string message;
};

template <class Config>
using Parsed = std::variant<Config, Help, UsageError>;

Parsed<ServerConfig> parse_server(const std::vector<std::string>& args);
Parsed<AgentConfig> parse_agent(const std::vector<std::string>& args);

}  // namespace kscratch::cli::flags
