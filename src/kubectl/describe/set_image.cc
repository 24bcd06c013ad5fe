// `kubectl set image TYPE NAME CONTAINER=IMAGE...`: a strategic merge patch of the images
// of the pod template's containers, as upstream's set_image.go (objects whose images
// already match are left alone and not reported).

#include "describers.h"
#include "json_util.h"

#include <fmt/format.h>

#include <map>

namespace kscratch::kubectl::describe {

namespace {

// Where the pod spec lives in each kind (polymorphichelpers.updatePodSpecForObject).
std::optional<std::vector<std::string>> pod_spec_path(const ApiResource& r) {
  if (r.group.empty() && r.kind == "Pod") return std::vector<std::string>{"spec"};
  if (r.group.empty() && r.kind == "ReplicationController") return std::vector<std::string>{"spec", "template", "spec"};
  if (r.group == "apps" && (r.kind == "Deployment" || r.kind == "ReplicaSet" || r.kind == "DaemonSet" || r.kind == "StatefulSet"))
    return std::vector<std::string>{"spec", "template", "spec"};
  if (r.group == "batch" && r.kind == "Job") return std::vector<std::string>{"spec", "template", "spec"};
  if (r.group == "batch" && r.kind == "CronJob") return std::vector<std::string>{"spec", "jobTemplate", "spec", "template", "spec"};
  return std::nullopt;
}

}  // namespace

int run_set_image(Command& c, const std::vector<std::string>& args) {
  std::vector<std::string> resources;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos) {
      if (!pairs.empty()) return fail("all resources must be specified before image changes: " + a);
      resources.push_back(a);
    } else {
      pairs.push_back({a.substr(0, eq), a.substr(eq + 1)});
    }
  }
  if (resources.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  std::map<std::string, std::string> images;  // a later pair for a container wins, as ParsePairs' map
  for (auto& [k, v] : pairs) images[k] = v;
  if (images.empty()) return fail("at least one image update is required");
  if (images.size() > 1 && images.count("*"))
    return fail("all containers are already specified by *, but saw more than one container_name=container_image pairs");
  auto targets = resolve_targets(resources, *c.discovery);
  if (!targets) return fail(targets.error().message);
  struct Item {
    ApiResource resource;
    json::value obj;
  };
  std::vector<Item> items;
  for (auto& t : *targets) {
    if (t.names.empty()) return fail("resource(s) were provided, but no name was specified");
    for (auto& name : t.names) {
      auto response = c.rest->get(t.resource.rest_kind().path(t.resource.namespaced ? c.ns() : "", name));
      if (!is_success(response)) return fail(error_message(response, c.rest->server()));
      boost::system::error_code ec;
      auto v = json::parse(response.body, ec);
      if (ec) return fail("the server returned an unreadable object");
      items.push_back({t.resource, std::move(v)});
    }
  }
  std::vector<std::string> errors, patch_errors;
  std::vector<std::pair<const Item*, std::string>> patches;
  for (auto& item : items) {
    auto spec_path = pod_spec_path(item.resource);
    std::string name = str(item.obj, "metadata.name");
    if (!spec_path) {
      patch_errors.push_back(fmt::format("error: {}/{} the object is not a pod or does not have a pod template: *{}.{}", item.resource.name, name,
                                         item.resource.version, item.resource.kind));
      continue;
    }
    const json::value* spec = &item.obj;
    for (auto& p : *spec_path) spec = at(spec, p);
    json::object changed_spec;
    for (auto& [container, image] : images) {
      bool found = false;
      for (const char* list : {"initContainers", "containers"}) {
        auto* cs = at(spec, list);
        if (!cs || !cs->is_array()) continue;
        for (auto& ct : cs->as_array()) {
          if (str(ct, "name") != container && container != "*") continue;
          found = true;
          if (str(ct, "image") == image) continue;
          auto& out = changed_spec[list];
          if (!out.is_array()) out = json::array();
          out.as_array().push_back(json::object{{"name", str(ct, "name")}, {"image", image}});
        }
      }
      if (!found) errors.push_back(fmt::format("error: unable to find container named \"{}\"", container));
    }
    if (changed_spec.empty()) continue;
    json::value patch = changed_spec;
    for (auto it = spec_path->rbegin(); it != spec_path->rend(); ++it) patch = json::object{{*it, patch}};
    patches.push_back({&item, json::serialize(patch)});
  }
  for (auto& [item, body] : patches) {
    std::string name = str(item->obj, "metadata.name");
    client::HttpRequest request{"PATCH",
                                with_query(item->resource.rest_kind().path(item->resource.namespaced ? c.ns() : "", name),
                                           {{"fieldManager", "kubectl-set"}}),
                                "application/strategic-merge-patch+json", body};
    auto response = c.rest->send(request);
    if (!is_success(response)) {
      patch_errors.push_back("error: failed to patch image update to pod template: " + status_message(response, c.rest->server()));
      continue;
    }
    fmt::print("{}/{} image updated\n", item->resource.kind_prefix(), name);
  }
  std::fflush(stdout);
  for (auto& e : errors) fmt::print(stderr, "{}\n", e);
  for (auto& e : patch_errors) fmt::print(stderr, "{}\n", e);
  return errors.empty() && patch_errors.empty() ? 0 : kFailure;
}

int run_set(Command& c) {
  auto& pos = c.args.positional;
  std::vector<std::string> args(pos.size() > 1 ? pos.begin() + 1 : pos.end(), pos.end());
  return run_set_image(c, args);
}

}  // namespace kscratch::kubectl::describe
