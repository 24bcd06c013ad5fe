// Deployments and ReplicaSets: upstream's printDeployment and printReplicaSet. Their column
// descriptions come from the extensions/v1beta1 API docs, as upstream's printers take them.

#include <fmt/format.h>

#include "columns.h"
#include "json_access.h"
#include "kscratch/apimachinery/labels.h"
#include "tables.h"

namespace kscratch::apiserver::tables {

namespace json = boost::json;
namespace labels = apimachinery::labels;

namespace {

// spec.replicas as the apiserver sees it after decoding: apps/v1 defaulting makes an absent
// value 1 (SetDefaults_Deployment, SetDefaults_ReplicaSet).
int64_t desired_replicas(const json::object& spec) {
  const json::value* v = spec.if_contains("replicas");
  if (!v || v->is_null()) return 1;
  return int_at(spec, "replicas");
}

const json::value& selector_value(const json::object& spec) {
  static const json::value kNull;
  const json::value* v = spec.if_contains("selector");
  return v ? *v : kNull;
}

}  // namespace

std::vector<TableColumn> deployment_columns() {
  return {
      name_column(),
      column("Ready", "Number of the pod with ready state"),
      column("Up-to-date",
             "Total number of non-terminated pods targeted by this deployment that have the "
             "desired template spec."),
      column("Available",
             "Total number of available pods (ready for at least minReadySeconds) targeted by this "
             "deployment."),
      age_column(),
      containers_column(),
      images_column(),
      column("Selector",
             "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be "
             "the ones affected by this deployment.",
             1),
  };
}

json::array deployment_row(const json::object& object, Clock::time_point now) {
  const json::object& spec = object_or_empty(object, "spec");
  const json::object& status = object_or_empty(object, "status");
  // Unlike other workloads, upstream prints the selector's String(): "" when it selects
  // everything or nothing, "<invalid>" when it does not parse.
  Expected<labels::Selector> selector = labels::from_label_selector(selector_value(spec));
  std::string selector_text = selector ? selector->to_string() : "<invalid>";
  ContainerCells containers = layout_container_cells(template_containers(object));
  return json::array{
      object_name(object),
      fmt::format("{}/{}", int_at(status, "readyReplicas"), desired_replicas(spec)),
      int_at(status, "updatedReplicas"),
      int_at(status, "availableReplicas"),
      object_age(object, now),
      containers.names,
      containers.images,
      selector_text,
  };
}

std::vector<TableColumn> replicaset_columns() {
  return {
      name_column(),
      column("Desired",
             "Replicas is the number of desired replicas. This is a pointer to distinguish between "
             "explicit zero and unspecified. Defaults to 1. More info: "
             "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/"
             "#what-is-a-replicationcontroller",
             0, "integer"),
      column("Current",
             "Replicas is the most recently observed number of replicas. More info: "
             "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/"
             "#what-is-a-replicationcontroller",
             0, "integer"),
      column("Ready", "The number of ready replicas for this replica set.", 0, "integer"),
      age_column(),
      containers_column(),
      images_column(),
      column("Selector",
             "Selector is a label query over pods that should match the replica count. If the "
             "selector is empty, it is defaulted to the labels present on the pod template. Label "
             "keys and values that must match in order to be controlled by this replica set. More "
             "info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
             "#label-selectors",
             1),
  };
}

json::array replicaset_row(const json::object& object, Clock::time_point now) {
  const json::object& spec = object_or_empty(object, "spec");
  const json::object& status = object_or_empty(object, "status");
  ContainerCells containers = layout_container_cells(template_containers(object));
  return json::array{
      object_name(object),
      desired_replicas(spec),
      int_at(status, "replicas"),
      int_at(status, "readyReplicas"),
      object_age(object, now),
      containers.names,
      containers.images,
      labels::format_label_selector(selector_value(spec)),
  };
}

}  // namespace kscratch::apiserver::tables
