// `kubectl config current-context|get-contexts` (the kubeconfig files only) and
// `kubectl api-versions` (discovery).

#include "../printers/tabwriter.h"
#include "verbs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace kscratch::kubectl {

namespace {

Expected<ContextList> contexts_of(const ParsedArgs& args) {
  const char* home = std::getenv("HOME");
  const char* env = std::getenv("KUBECONFIG");
  return list_contexts(kubeconfig_files(args, home ? home : "", env ? env : ""));
}

}  // namespace

int run_config_view(Command& c);         // config_view.cc
int run_config_use_context(Command& c);  // config_view.cc

bool config_handles(const ParsedArgs& args) {
  if (args.positional.empty()) return false;
  const auto& sub = args.positional[0];
  // view prints YAML only here (-o json and --flatten are left to kubectl).
  if (sub == "view") return !args.has("output") && !args.has("flatten") && args.positional.size() == 1;
  // use-context without a name prints kubectl's help: left to kubectl.
  if (sub == "use-context" || sub == "use") return args.positional.size() == 2;
  return sub == "current-context" || sub == "get-contexts";
}

int run_config(Command& c) {
  if (c.args.positional[0] == "view") return run_config_view(c);
  if (c.args.positional[0] == "use-context" || c.args.positional[0] == "use") return run_config_use_context(c);
  auto list = contexts_of(c.args);
  if (!list) return fail(list.error().message);
  const auto& sub = c.args.positional[0];
  std::vector<std::string> names(c.args.positional.begin() + 1, c.args.positional.end());
  if (sub == "current-context") {
    if (!names.empty()) return fail("unexpected args: [" + names.front() + "]");
    if (list->current_context.empty()) return fail("current-context is not set");
    fmt::print("{}\n", list->current_context);
    return 0;
  }
  std::string output = c.args.get("output");
  if (!output.empty() && output != "name") return fail("output must be one of '' or 'name': " + output);
  std::vector<ContextEntry> shown;
  std::vector<std::string> missing;
  for (auto& n : names) {
    auto it = std::find_if(list->contexts.begin(), list->contexts.end(), [&](const ContextEntry& e) { return e.name == n; });
    if (it == list->contexts.end()) {
      missing.push_back(n);
    } else {
      shown.push_back(*it);
    }
  }
  if (names.empty()) shown = list->contexts;
  std::string text;
  if (output == "name") {
    for (auto& e : shown) text += e.name + "\n";
  } else {
    TabWriter w;
    std::string table;
    if (!c.args.flag("no-headers")) table += "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n";
    for (auto& e : shown)
      table += fmt::format("{}\t{}\t{}\t{}\t{}\n", e.name == list->current_context ? "*" : "", e.name, e.cluster, e.user,
                           e.namespace_name);
    w.write(table);
    text = w.flush();
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!missing.empty()) {
    std::string joined;
    for (auto& m : missing) joined += (joined.empty() ? "" : ", ") + m;
    return fail("context " + joined + " not found");
  }
  return 0;
}

int run_api_versions(Command& c) {
  if (!c.args.positional.empty()) return fail("unexpected arguments: [" + c.args.positional.front() + "]");
  std::set<std::string> versions;  // sort.Strings, as kubectl prints them
  for (auto& r : c.discovery->resources()) versions.insert(r.api_version());
  if (!c.discovery->error().empty()) return fail_raw(c.discovery->error());
  for (auto& v : versions) fmt::print("{}\n", v);
  return 0;
}

}  // namespace kscratch::kubectl
