// `kubectl describe TYPE [NAME...] [-l selector] [-A]`: each object's description, separated
// by a blank line, as upstream's DescribeOptions.Run; `TYPE PREFIX` describes the objects
// whose names begin with PREFIX when none is named PREFIX.

#include "describers.h"
#include "json_util.h"

#include <fmt/format.h>

#include <set>

namespace kscratch::kubectl::describe {

namespace {

struct Info {
  ApiResource resource;
  std::string ns, name;
};

std::string escape(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += fmt::format("%{:02X}", ch);
    }
  }
  return out;
}

}  // namespace

int run_describe(Command& c) {
  auto& args = c.args.positional;
  if (args.empty())
    return fail("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
  bool all_namespaces = c.args.flag("all-namespaces");
  set_show_events(!c.args.has("show-events") || c.args.flag("show-events"));
  std::string selector = c.args.get("selector");
  auto targets = resolve_targets(args, *c.discovery);
  if (!targets) return fail(targets.error().message);
  for (auto& t : *targets)
    if (!t.names.empty() && all_namespaces) return fail("a resource cannot be retrieved by name across all namespaces");
  std::vector<Info> infos;
  std::vector<std::string> errors;
  bool not_found = false;
  for (auto& t : *targets) {
    std::string ns = t.resource.namespaced && !all_namespaces ? c.ns() : "";
    if (t.names.empty()) {
      std::string target = t.resource.rest_kind().path(ns) + "?limit=500";
      if (!selector.empty()) target += "&labelSelector=" + escape(selector);
      std::string error;
      auto items = list_items(c, target, &error);
      if (!error.empty()) {
        errors.push_back("Error from server: " + error);
        continue;
      }
      for (auto& item : items) infos.push_back({t.resource, str(item, "metadata.namespace"), str(item, "metadata.name")});
      continue;
    }
    for (auto& name : t.names) {
      // The builder gets each named object first; a missing one is an error of its own.
      auto response = c.rest->get(t.resource.rest_kind().path(t.resource.namespaced ? c.ns() : "", name));
      if (!is_success(response)) {
        not_found = not_found || response.status == 404;
        errors.push_back(error_message(response, c.rest->server()));
        continue;
      }
      infos.push_back({t.resource, t.resource.namespaced ? c.ns() : "", name});
    }
  }
  if (!errors.empty() && not_found && args.size() == 2) {
    // DescribeMatchingResources: TYPE PREFIX.
    if (args[0].find('/') != std::string::npos) return fail(errors.front());
    auto& t = targets->front();
    std::string ns = t.resource.namespaced ? c.ns() : "";
    std::string error;
    auto items = list_items(c, t.resource.rest_kind().path(ns) + "?limit=500", &error);
    if (!error.empty()) return fail("Error from server: " + error);
    bool found = false;
    for (auto& item : items) {
      std::string name = str(item, "metadata.name");
      if (!name.starts_with(args[1])) continue;
      found = true;
      auto d = describe_one(c, t.resource, str(item, "metadata.namespace"), name);
      if (auto* e = std::get_if<DescribeError>(&d)) return fail(e->message);
      fmt::print("{}\n", std::get<std::string>(d));
    }
    if (!found) return fail(errors.front());
    return 0;
  }
  std::set<std::string> seen(errors.begin(), errors.end());
  bool first = true;
  for (auto& info : infos) {
    if (!has_describer(info.resource)) {
      std::string e = "error: no description has been implemented for " + info.resource.kind;
      if (seen.insert(e).second) errors.push_back(e);
      continue;
    }
    auto d = describe_one(c, info.resource, info.ns, info.name);
    if (auto* e = std::get_if<DescribeError>(&d)) {
      if (seen.insert(e->message).second) errors.push_back(e->message);
      continue;
    }
    auto& text = std::get<std::string>(d);
    if (first) {
      fmt::print("{}", text);
      first = false;
    } else {
      fmt::print("\n\n{}", text);
    }
  }
  std::fflush(stdout);
  if (infos.empty() && errors.empty()) {
    if (all_namespaces) {
      fmt::print(stderr, "No resources found\n");
    } else {
      fmt::print(stderr, "No resources found in {} namespace.\n", c.ns());
    }
  }
  for (auto& e : errors) fmt::print(stderr, "{}\n", e);
  return errors.empty() ? 0 : kFailure;
}

}  // namespace kscratch::kubectl::describe
