// `kubectl patch`: strategic (default), merge or JSON patches, reported as
// `deployment.apps/web patched`, or `patched (no change)` when the object is unchanged.

#include "kscratch/apimachinery/yaml.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iterator>

namespace kscratch::kubectl {

namespace json = boost::json;

int run_patch(Command& c) {
  std::string type = c.args.get("type", "strategic");
  const char* content_type = nullptr;
  if (type == "strategic") content_type = "application/strategic-merge-patch+json";
  if (type == "merge") content_type = "application/merge-patch+json";
  if (type == "json") content_type = "application/json-patch+json";
  if (!content_type) return fail(fmt::format("--type must be one of [json merge strategic], not \"{}\"", type));
  std::string patch_text = c.args.get("patch");
  if (c.args.has("patch-file")) {
    std::ifstream in(c.args.get("patch-file"), std::ios::binary);
    if (!in) return fail("unable to read patch file: open " + c.args.get("patch-file") + ": no such file or directory");
    patch_text.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (!c.args.has("patch") && !c.args.has("patch-file")) return fail("must specify --patch or --patch-file containing the contents of the patch");
  // kubectl accepts the patch as YAML too.
  auto patch = apimachinery::yaml::to_json(patch_text);
  if (!patch) return fail(fmt::format("unable to parse \"{}\": {}", patch_text, patch.error().message));
  std::string body = json::serialize(*patch);
  if (c.args.positional.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  auto targets = resolve_targets(c.args.positional, *c.discovery);
  if (!targets) return fail(targets.error().message);
  bool failed = false;
  for (auto& t : *targets) {
    if (t.names.empty()) return fail("resource(s) were provided, but no name was specified");
    std::string ns = t.resource.namespaced ? c.ns() : "";
    for (auto& name : t.names) {
      auto path = t.resource.rest_kind().path(ns, name);
      auto before = c.rest->get(path);
      if (!is_success(before)) {
        fmt::print(stderr, "{}\n", error_message(before, c.rest->server()));
        failed = true;
        continue;
      }
      client::HttpRequest request{"PATCH", with_query(path, {{"fieldManager", "kubectl-patch"}}), content_type, body};
      auto response = c.rest->send(request);
      if (!is_success(response)) {
        fmt::print(stderr, "{}\n", error_message(response, c.rest->server()));
        failed = true;
        continue;
      }
      boost::system::error_code ec1, ec2;
      bool unchanged = json::parse(before.body, ec1) == json::parse(response.body, ec2) && !ec1 && !ec2;
      fmt::print("{}/{} patched{}\n", t.resource.kind_prefix(), name, unchanged ? " (no change)" : "");
    }
  }
  return failed ? kFailure : 0;
}

}  // namespace kscratch::kubectl
