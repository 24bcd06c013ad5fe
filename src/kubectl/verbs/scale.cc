// `kubectl scale`: a merge patch of spec.replicas on each object's scale subresource,
// reported as `deployment.apps/web scaled`.

#include "verbs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kscratch::kubectl {

int run_scale(Command& c) {
  if (!c.args.has("replicas")) return fail_command("required flag(s) \"replicas\" not set");
  std::string replicas = c.args.get("replicas");
  bool numeric = !replicas.empty() && std::all_of(replicas.begin(), replicas.end(), [](char ch) {
    return std::isdigit(static_cast<unsigned char>(ch));
  });
  if (!numeric) {
    if (!replicas.empty() && replicas[0] == '-') return fail("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
    return fail(fmt::format("invalid argument \"{}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", replicas, replicas));
  }
  if (c.args.positional.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  auto targets = resolve_targets(c.args.positional, *c.discovery);
  if (!targets) return fail(targets.error().message);
  std::string patch = fmt::format("{{\"spec\":{{\"replicas\":{}}}}}", std::stol(replicas));
  bool failed = false;
  for (auto& t : *targets) {
    if (t.names.empty()) return fail("resource(s) were provided, but no name was specified");
    std::string ns = t.resource.namespaced ? c.ns() : "";
    for (auto& name : t.names) {
      // kubectl reads each object before scaling it; one that is missing stops the command.
      auto current = c.rest->get(t.resource.rest_kind().path(ns, name));
      if (!is_success(current)) return fail("no objects passed to scale " + status_message(current, c.rest->server()));
    }
    for (auto& name : t.names) {
      client::HttpRequest request{"PATCH", with_query(t.resource.rest_kind().path(ns, name, "scale"), {{"fieldManager", "kubectl-scale"}}),
                                  "application/merge-patch+json", patch};
      auto response = c.rest->send(request);
      if (!is_success(response)) {
        fmt::print(stderr, "{}\n", error_message(response, c.rest->server()));
        failed = true;
        continue;
      }
      fmt::print("{}/{} scaled\n", t.resource.kind_prefix(), name);
    }
  }
  return failed ? kFailure : 0;
}

}  // namespace kscratch::kubectl
