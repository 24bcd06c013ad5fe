// Legacy discovery documents (/api, /apis, /api/v1, /apis/<group>/<version>), built from
// the registry so a new kind appears without touching this file.

#include "api.h"

#include <set>

namespace kscratch::apiserver::rest {

namespace {

std::vector<std::string> groups_in_order() {
  std::vector<std::string> groups;
  for (auto& r : builtin_resources()) {
    if (r.group.empty()) continue;
    if (std::find(groups.begin(), groups.end(), r.group) == groups.end()) groups.push_back(r.group);
  }
  return groups;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v) a.push_back(json::value(s));
  return a;
}

}  // namespace

json::object api_versions(const ApiConfig& config) {
  return json::object{{"kind", "APIVersions"},
                      {"versions", json::array{"v1"}},
                      {"serverAddressByClientCIDRs",
                       json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", config.server_address}}}}};
}

std::optional<json::object> api_group(std::string_view group) {
  for (auto& g : groups_in_order()) {
    if (g != group) continue;
    json::object version{{"groupVersion", g + "/v1"}, {"version", "v1"}};
    return json::object{{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", g},
                        {"versions", json::array{version}}, {"preferredVersion", version}};
  }
  return std::nullopt;
}

json::object api_group_list() {
  json::array groups;
  for (auto& g : groups_in_order()) {
    auto group = *api_group(g);
    group.erase("kind");
    group.erase("apiVersion");
    groups.push_back(std::move(group));
  }
  return json::object{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

std::optional<json::object> api_resource_list(std::string_view group, std::string_view version) {
  json::array resources;
  for (auto& r : builtin_resources()) {
    if (r.group != group || r.version != version) continue;
    json::object entry{{"name", r.plural},           {"singularName", r.singular}, {"namespaced", r.namespaced},
                       {"kind", r.kind},             {"verbs", strings(r.verbs)}};
    if (!r.short_names.empty()) entry["shortNames"] = strings(r.short_names);
    if (!r.categories.empty()) entry["categories"] = strings(r.categories);
    resources.push_back(std::move(entry));
    for (auto& sub : r.subresources) {
      json::object s{{"name", r.plural + "/" + sub}, {"singularName", ""}, {"namespaced", r.namespaced}};
      if (sub == "scale") {
        s["group"] = "autoscaling";
        s["version"] = "v1";
        s["kind"] = "Scale";
        s["verbs"] = json::array{"get", "patch", "update"};
      } else if (sub == "binding") {
        s["kind"] = "Binding";
        s["verbs"] = json::array{"create"};
      } else if (sub == "eviction") {
        // kubectl drain looks for exactly this entry before it evicts instead of deleting.
        s["group"] = "policy";
        s["version"] = "v1";
        s["kind"] = "Eviction";
        s["verbs"] = json::array{"create"};
      } else if (sub == "finalize") {
        s["kind"] = r.kind;
        s["verbs"] = json::array{"update"};
      } else if (sub == "log") {
        s["kind"] = "Pod";
        s["verbs"] = json::array{"get"};
      } else if (sub == "exec") {
        s["kind"] = "PodExecOptions";
        s["verbs"] = json::array{"create", "get"};
      } else {
        s["kind"] = r.kind;
        s["verbs"] = json::array{"get", "patch", "update"};
      }
      resources.push_back(std::move(s));
    }
  }
  if (resources.empty()) return std::nullopt;
  std::string gv = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return json::object{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv},
                      {"resources", std::move(resources)}};
}

}  // namespace kscratch::apiserver::rest

namespace kscratch::apiserver::rest {

namespace {

json::object response_kind(const std::string& group, const std::string& version, const std::string& kind) {
  return json::object{{"group", group}, {"version", version}, {"kind", kind}};
}

// One APIResourceDiscovery entry of aggregated discovery (apidiscovery.k8s.io/v2).
json::object resource_discovery(const Resource& r) {
  json::object e{{"resource", r.plural},
                 {"responseKind", response_kind(r.group, r.version, r.kind)},
                 {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                 {"singularResource", r.singular},
                 {"verbs", strings(r.verbs)}};
  if (!r.short_names.empty()) e["shortNames"] = strings(r.short_names);
  if (!r.categories.empty()) e["categories"] = strings(r.categories);
  json::array subs;
  for (auto& sub : r.subresources) {
    json::object s{{"subresource", sub}};
    if (sub == "scale") {
      s["responseKind"] = response_kind("autoscaling", "v1", "Scale");
      s["verbs"] = json::array{"get", "patch", "update"};
    } else if (sub == "binding") {
      s["responseKind"] = response_kind("", "v1", "Binding");
      s["verbs"] = json::array{"create"};
    } else if (sub == "eviction") {
      s["responseKind"] = response_kind("policy", "v1", "Eviction");
      s["verbs"] = json::array{"create"};
    } else if (sub == "finalize") {
      s["responseKind"] = response_kind(r.group, r.version, r.kind);
      s["verbs"] = json::array{"update"};
    } else if (sub == "log") {
      s["responseKind"] = response_kind("", "v1", "Pod");
      s["verbs"] = json::array{"get"};
    } else if (sub == "exec") {
      s["responseKind"] = response_kind("", "v1", "PodExecOptions");
      s["verbs"] = json::array{"create", "get"};
    } else {
      s["responseKind"] = response_kind(r.group, r.version, r.kind);
      s["verbs"] = json::array{"get", "patch", "update"};
    }
    subs.push_back(std::move(s));
  }
  if (!subs.empty()) e["subresources"] = std::move(subs);
  return e;
}

json::object group_discovery(const std::string& group, std::string_view api_version) {
  json::array resources;
  for (auto& r : builtin_resources()) {
    if (r.group == group) resources.push_back(resource_discovery(r));
  }
  (void)api_version;
  return json::object{
      {"metadata", json::object{{"name", group}, {"creationTimestamp", nullptr}}},
      {"versions", json::array{json::object{{"version", "v1"}, {"resources", std::move(resources)}, {"freshness", "Current"}}}}};
}

}  // namespace

std::optional<std::string> aggregated_discovery_version(const std::string& accept) {
  // Clients list what they take in order of preference; answer the first we speak.
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    auto comma = accept.find(',', pos);
    auto part = accept.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (part.find("as=APIGroupDiscoveryList") != std::string::npos && part.find("g=apidiscovery.k8s.io") != std::string::npos) {
      if (part.find("v=v2beta1") != std::string::npos) return "v2beta1";
      if (part.find("v=v2") != std::string::npos) return "v2";
    }
    if (part.find("application/json") != std::string::npos && part.find("as=") == std::string::npos) return std::nullopt;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return std::nullopt;
}

json::object aggregated_discovery(bool legacy, const std::string& version) {
  json::array items;
  if (legacy) {
    items.push_back(group_discovery("", version));
  } else {
    for (auto& g : groups_in_order()) items.push_back(group_discovery(g, version));
  }
  return json::object{{"kind", "APIGroupDiscoveryList"},
                      {"apiVersion", "apidiscovery.k8s.io/" + version},
                      {"metadata", json::object()},
                      {"items", std::move(items)}};
}

}  // namespace kscratch::apiserver::rest
