// The entry point: pick the verb, parse its flags, decline what is not built in, connect.

#include "kscratch/kubectl/kubectl.h"

#include "command.h"
#include "verbs/verbs.h"

#include <fmt/format.h>

#include <cstdlib>
#include <exception>

namespace kscratch::kubectl {

namespace {

const FlagSpec kOutput{"output", 'o'};
const FlagSpec kNoHeaders{"no-headers", 0, false};
const FlagSpec kSelector{"selector", 'l'};
const FlagSpec kFieldSelector{"field-selector"};
const FlagSpec kAllNamespaces{"all-namespaces", 'A', false};
const FlagSpec kFilename{"filename", 'f'};
// pflag flags with a default for the bare form (NoOptDefVal) take values only after '='.
const FlagSpec kDryRun{"dry-run", 0, false};

std::filesystem::path cache_root(const ParsedArgs& args) {
  if (args.has("cache-dir")) return args.get("cache-dir");
  if (const char* env = std::getenv("KUBECACHEDIR"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : "/") / ".kube" / "cache";
}

}  // namespace

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> all{
      {"get",
       {kOutput, kNoHeaders, kSelector, kFieldSelector, kAllNamespaces, kFilename, {"show-labels", 0, false},
        {"ignore-not-found", 0, false}, {"show-managed-fields", 0, false}, {"label-columns", 'L'}, {"sort-by"},
        {"raw"}, {"watch", 'w', false}, {"watch-only", 0, false}},
       run_get,
       get_handles},
      {"version", {kOutput, {"client", 0, false}}, run_version},
      {"api-resources",
       {kOutput, kNoHeaders, {"namespaced", 0, false}, {"api-group"}, {"verbs"}, {"sort-by"}, {"cached", 0, false}},
       run_api_resources},
      {"delete",
       {kFilename, kSelector, kFieldSelector, kAllNamespaces, {"all", 0, false}, {"ignore-not-found", 0, false},
        {"wait", 0, false}, {"cascade", 0, false}, {"grace-period"}, {"now", 0, false}, {"force", 0, false}},
       run_delete},
      {"scale", {{"replicas"}}, run_scale},
      {"create",
       {kOutput, kDryRun, kFilename, {"recursive", 'R', false}, {"validate", 0, false}, {"save-config", 0, false},
        {"image"}, {"replicas", 'r'}, {"port"}, {"from-literal"}, {"from-file"}, {"from-env-file"}, {"type"},
        {"field-manager"}},
       run_create,
       create_handles},
      {"label", {{"overwrite", 0, false}}, run_label},
      {"annotate", {{"overwrite", 0, false}}, run_annotate},
      {"patch", {{"patch", 'p'}, {"type"}, {"patch-file"}}, run_patch},
      {"api-versions", {}, run_api_versions},
      {"config",
       {kOutput, kNoHeaders, {"minify", 0, false}, {"raw", 0, false}, {"flatten", 0, false}},
       run_config,
       config_handles,
       false},
  };
  static const std::vector<Verb> with_families = [] {
    auto v = all;
    for (auto family : {apply_verbs, describe_verbs, everyday_verbs}) {
      for (auto& verb : family()) v.push_back(std::move(verb));
    }
    return v;
  }();
  return with_families;
}

std::vector<std::string> builtin_verbs() {
  std::vector<std::string> names;
  for (auto& v : verbs()) names.push_back(v.name);
  return names;
}

std::optional<int> run(const std::vector<std::string>& args) {
  auto verb_name = find_verb(args);
  if (!verb_name) return std::nullopt;
  const Verb* verb = nullptr;
  for (auto& v : verbs())
    if (v.name == *verb_name) verb = &v;
  if (!verb) return std::nullopt;
  auto parsed = parse_args(args, verb->flags);
  if (auto* error = std::get_if<ParseError>(&parsed)) {
    if (error->unknown_flag) return std::nullopt;
    fmt::print(stderr, "error: {}\nSee 'kubectl {} --help' for usage.\n", error->message, verb->name);
    return kFailure;
  }
  Command c;
  c.verb = verb->name;
  c.args = std::move(std::get<ParsedArgs>(parsed));
  if (c.args.flag("help")) return std::nullopt;
  if (verb->handles && !verb->handles(c.args)) return std::nullopt;
  try {
    if (!verb->needs_server) return verb->run(c);
    bool client_only = verb->name == "version" && c.args.flag("client");
    auto config = load_client_config(c.args);
    if (!config) {
      if (client_only) return run_version(c);
      return fail(config.error().message);
    }
    c.config = std::move(*config);
    int verbosity = std::atoi(c.args.get("v", "0").c_str());
    c.rest = std::make_unique<Rest>(c.config.connection, verbosity);
    c.discovery = std::make_unique<Discovery>(*c.rest, discovery_cache_dir(cache_root(c.args), c.config.connection.server));
    return verb->run(c);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace kscratch::kubectl
