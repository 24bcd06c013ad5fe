#pragma once
// What every verb works with once its flags are parsed: the resolved kubeconfig, a REST
// session and discovery, made only when the verb needs the server.

#include "discovery.h"
#include "flags.h"
#include "kubeconfig.h"
#include "rest.h"

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::kubectl {

struct Command {
  std::string verb;
  ParsedArgs args;
  ClientConfig config;
  std::unique_ptr<Rest> rest;
  std::unique_ptr<Discovery> discovery;

  // The namespace for namespaced objects: -n, the context's, or "default".
  const std::string& ns() const { return config.namespace_name; }
};

// Exit codes as kubectl's: 1 for every failure.
inline constexpr int kFailure = 1;

// Prints "error: <message>" (kubectl's form for client-side errors) and returns 1.
int fail(const std::string& message);
// cobra's failures before the command runs (a required flag missing) are logged by klog:
// `E1127 16:33:36.140131   19783 run.go:72] "command failed" err="required flag(s) ..."`.
int fail_command(const std::string& message);
// One klog error line: `E1127 16:33:36.140131   19783 <where>] <text>`.
void klog_error(const std::string& where, const std::string& text);
// Prints an already formatted message (server errors print without "error: ").
int fail_raw(const std::string& message);

// A resource and the names asked for (none: the whole collection).
struct Target {
  ApiResource resource;
  std::vector<std::string> names;
};

// kubectl's TYPE[,TYPE...] [NAME...] or TYPE/NAME... arguments, resolved through
// discovery; categories (`all`) expand to their resources. Errors are kubectl's messages.
Expected<std::vector<Target>> resolve_targets(const std::vector<std::string>& args, Discovery& discovery);

// Objects from -f files ('-' for standard input), multi-document YAML or JSON, Lists
// flattened.
Expected<std::vector<boost::json::object>> read_manifests(const std::vector<std::string>& files);

}  // namespace kscratch::kubectl
