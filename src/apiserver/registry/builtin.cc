// The table of built-in kinds. Names, verbs and short names are upstream's (as
// `kubectl api-resources` lists them on Kubernetes 1.32); the behaviour hooks come from
// src/apiserver/kinds (defaults, validation) and src/apiserver/tables (printing).

#include "kscratch/apiserver/resource.h"

#include "../kinds/kinds.h"
#include "../tables/tables.h"
#include "kscratch/apimachinery/patch.h"

namespace kscratch::apiserver {

namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};

Resource make(std::string group, std::string kind, std::string plural, bool namespaced,
              std::vector<std::string> short_names = {}, std::vector<std::string> categories = {}) {
  Resource r;
  r.group = std::move(group);
  r.version = "v1";
  r.kind = std::move(kind);
  r.plural = std::move(plural);
  r.singular = r.kind;
  for (auto& c : r.singular) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  r.namespaced = namespaced;
  r.short_names = std::move(short_names);
  r.categories = std::move(categories);
  r.verbs = kAllVerbs;
  if (apimachinery::has_builtin_patch_schema(r.group, r.kind)) {
    r.patch_schema = &apimachinery::builtin_patch_schema(r.group, r.kind);
  }
  return r;
}

// Attaches a kind's behaviour: set_defaults_<name>/validate_<name> from kinds/ and
// <name>_columns/<name>_row from tables/.
#define KSCRATCH_HOOKS(resource, name)                    \
  do {                                                    \
    (resource).set_defaults = &kinds::set_defaults_##name; \
    (resource).validate = &kinds::validate_##name;         \
    (resource).table_columns = &tables::name##_columns;   \
    (resource).table_row = &tables::name##_row;           \
  } while (0)

std::vector<Resource> build() {
  std::vector<Resource> all;

  auto ns = make("", "Namespace", "namespaces", false, {"ns"});
  ns.subresources = {"status", "finalize"};
  ns.has_status = true;
  ns.field_labels = {"status.phase"};
  KSCRATCH_HOOKS(ns, namespace);
  all.push_back(ns);

  auto node = make("", "Node", "nodes", false, {"no"});
  node.subresources = {"status"};
  node.has_status = true;
  node.field_labels = {"spec.unschedulable"};
  KSCRATCH_HOOKS(node, node);
  node.validate_status = &kinds::validate_node_status_update;
  all.push_back(node);

  auto pod = make("", "Pod", "pods", true, {"po"}, {"all"});
  pod.subresources = {"status", "binding", "eviction", "log", "exec"};
  pod.has_status = true;
  pod.field_labels = {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                      "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"};
  KSCRATCH_HOOKS(pod, pod);
  pod.validate_status = &kinds::validate_pod_status_update;
  all.push_back(pod);

  auto svc = make("", "Service", "services", true, {"svc"}, {"all"});
  svc.subresources = {"status"};
  svc.has_status = true;
  svc.verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  KSCRATCH_HOOKS(svc, service);
  svc.validate_status = &kinds::validate_service_status_update;
  all.push_back(svc);

  auto endpoints = make("", "Endpoints", "endpoints", true, {"ep"});
  endpoints.singular = "endpoints";
  KSCRATCH_HOOKS(endpoints, endpoints);
  all.push_back(endpoints);
  auto configmap = make("", "ConfigMap", "configmaps", true, {"cm"});
  KSCRATCH_HOOKS(configmap, configmap);
  all.push_back(configmap);
  auto secret = make("", "Secret", "secrets", true);
  secret.field_labels = {"type"};
  KSCRATCH_HOOKS(secret, secret);
  all.push_back(secret);
  auto event = make("", "Event", "events", true, {"ev"});
  event.field_labels = {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"};
  KSCRATCH_HOOKS(event, event);
  all.push_back(event);
  auto sa = make("", "ServiceAccount", "serviceaccounts", true, {"sa"});
  KSCRATCH_HOOKS(sa, serviceaccount);
  all.push_back(sa);

  auto deploy = make("apps", "Deployment", "deployments", true, {"deploy"}, {"all"});
  deploy.subresources = {"status", "scale"};
  deploy.tracks_generation = true;
  deploy.has_status = true;
  KSCRATCH_HOOKS(deploy, deployment);
  deploy.validate_status = &kinds::validate_deployment_status_update;
  all.push_back(deploy);
  auto rs = make("apps", "ReplicaSet", "replicasets", true, {"rs"}, {"all"});
  rs.subresources = {"status", "scale"};
  rs.tracks_generation = true;
  rs.has_status = true;
  KSCRATCH_HOOKS(rs, replicaset);
  rs.validate_status = &kinds::validate_replicaset_status_update;
  all.push_back(rs);

  auto slice = make("discovery.k8s.io", "EndpointSlice", "endpointslices", true);
  KSCRATCH_HOOKS(slice, endpointslice);
  all.push_back(slice);
  auto lease = make("coordination.k8s.io", "Lease", "leases", true);
  KSCRATCH_HOOKS(lease, lease);
  all.push_back(lease);
  return all;
}

#undef KSCRATCH_HOOKS

}  // namespace

const std::vector<Resource>& builtin_resources() {
  static const std::vector<Resource> all = build();
  return all;
}

const Resource* find_resource(std::string_view group, std::string_view version, std::string_view plural) {
  for (auto& r : builtin_resources()) {
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  }
  return nullptr;
}

}  // namespace kscratch::apiserver
