// OpenAPI v3: an index of group-versions and, per group-version, the paths of every
// kind with their operations and parameters. kubectl's client-side field validation
// reads the PATCH operation's parameters to learn that the server validates fields.

#include "api.h"

#include "kscratch/apiserver/schema.h"

namespace kscratch::apiserver::rest {

namespace {

std::string gv_path(const Resource& r) { return r.group.empty() ? "api/v1" : "apis/" + r.group + "/" + r.version; }

json::object param(const char* name, const char* in, bool required = false) {
  return json::object{{"name", name}, {"in", in}, {"required", required}, {"schema", json::object{{"type", "string"}}},
                      {"uniqueItems", true}};
}

json::object operation(const Resource& r, const char* action, std::vector<json::object> params) {
  json::array p;
  for (auto& x : params) p.push_back(std::move(x));
  return json::object{{"operationId", std::string(action) + r.kind},
                      {"x-kubernetes-action", action},
                      {"x-kubernetes-group-version-kind", json::object{{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                      {"parameters", std::move(p)},
                      {"responses", json::object{{"200", json::object{{"description", "OK"}}}}}};
}

}  // namespace

json::object openapi_index() {
  json::object paths;
  for (auto& r : builtin_resources()) {
    auto gv = gv_path(r);
    if (!paths.contains(gv)) paths[gv] = json::object{{"serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + "kscratch-v1"}};
  }
  return json::object{{"paths", std::move(paths)}};
}

std::optional<json::object> openapi_document(std::string_view group_version) {
  json::object paths;
  for (auto& r : builtin_resources()) {
    if (gv_path(r) != group_version) continue;
    std::string base = "/" + gv_path(r) + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural;
    auto write_params = [] {
      return std::vector<json::object>{param("dryRun", "query"), param("fieldManager", "query"),
                                       param("fieldValidation", "query")};
    };
    paths[base] = json::object{{"get", operation(r, "list", {param("labelSelector", "query"), param("fieldSelector", "query"),
                                                            param("limit", "query"), param("continue", "query"),
                                                            param("resourceVersion", "query"), param("watch", "query")})},
                               {"post", operation(r, "post", write_params())}};
    auto patch_params = write_params();
    patch_params.push_back(param("force", "query"));
    paths[base + "/{name}"] = json::object{{"get", operation(r, "get", {})},
                                           {"put", operation(r, "put", write_params())},
                                           {"patch", operation(r, "patch", patch_params)},
                                           {"delete", operation(r, "delete", {param("dryRun", "query")})}};
    for (auto& sub : r.subresources) {
      if (sub == "binding" || sub == "eviction" || sub == "finalize" || sub == "log" || sub == "exec") continue;
      paths[base + "/{name}/" + sub] = json::object{{"get", operation(r, "get", {})},
                                                    {"put", operation(r, "put", write_params())},
                                                    {"patch", operation(r, "patch", patch_params)}};
    }
  }
  if (paths.empty()) return std::nullopt;
  // "api/v1" is the core group; "apis/<group>/<version>" the others.
  std::string_view gv = group_version;
  std::string group, version;
  if (gv.rfind("api/", 0) == 0) {
    version = std::string(gv.substr(4));
  } else {
    auto rest = gv.substr(5);
    group = std::string(rest.substr(0, rest.find('/')));
    version = std::string(rest.substr(rest.find('/') + 1));
  }
  return json::object{{"openapi", "3.0.0"},
                      {"info", json::object{{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
                      {"paths", std::move(paths)},
                      {"components", json::object{{"schemas", schema::openapi_schemas(group, version)}}}};
}

}  // namespace kscratch::apiserver::rest
