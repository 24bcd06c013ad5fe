// PatchSchema and the built-in kinds' patch metadata, transcribed from the patchStrategy and
// patchMergeKey struct tags of k8s.io/api core/v1, apps/v1 and batch/v1 (Kubernetes 1.32).
// Fields whose tags say nothing (tolerations, readinessGates, command, ...) are left out: the
// defaults (replace lists, merge objects) are what upstream does for them.

#include <map>
#include <string>
#include <utility>

#include "kscratch/apimachinery/patch.h"

namespace kscratch::apimachinery {

PatchSchema& PatchSchema::add_field(std::string type, std::string field, FieldPatchMeta meta) {
  types_[std::move(type)].insert_or_assign(std::move(field), std::move(meta));
  return *this;
}

const FieldPatchMeta* PatchSchema::lookup(std::string_view type, std::string_view field) const {
  auto t = types_.find(type);
  if (t == types_.end()) return nullptr;
  auto f = t->second.find(field);
  return f == t->second.end() ? nullptr : &f->second;
}

const FieldPatchMeta* PatchSchema::lookup_path(std::string_view dotted_path) const {
  std::string_view type = root_type_;
  const FieldPatchMeta* meta = nullptr;
  while (!dotted_path.empty()) {
    auto dot = dotted_path.find('.');
    std::string_view field = dotted_path.substr(0, dot);
    meta = lookup(type, field);
    if (meta == nullptr) return nullptr;
    type = meta->type;
    dotted_path = dot == std::string_view::npos ? std::string_view() : dotted_path.substr(dot + 1);
  }
  return meta;
}

namespace {

// One struct tag: `type.field` has strategy/retainKeys/mergeKey and holds `field_type`.
struct TagRow {
  const char* type;
  const char* field;
  PatchStrategy strategy;
  bool retain_keys;
  const char* merge_key;
  const char* field_type;
};

constexpr PatchStrategy kMerge = PatchStrategy::kMerge;
constexpr PatchStrategy kNone = PatchStrategy::kDefault;

// The tags, type by type. Rows with kNone only say which type a nested object has.
constexpr TagRow kTags[] = {
    // metav1.ObjectMeta
    {"ObjectMeta", "finalizers", kMerge, false, "", ""},
    {"ObjectMeta", "ownerReferences", kMerge, false, "uid", ""},
    // core/v1 PodTemplateSpec, PodSpec, Container, PodStatus
    {"PodTemplateSpec", "metadata", kNone, false, "", "ObjectMeta"},
    {"PodTemplateSpec", "spec", kNone, false, "", "PodSpec"},
    {"PodSpec", "volumes", kMerge, true, "name", ""},
    {"PodSpec", "initContainers", kMerge, false, "name", "Container"},
    {"PodSpec", "containers", kMerge, false, "name", "Container"},
    {"PodSpec", "ephemeralContainers", kMerge, false, "name", "Container"},
    {"PodSpec", "imagePullSecrets", kMerge, false, "name", ""},
    {"PodSpec", "hostAliases", kMerge, false, "ip", ""},
    {"PodSpec", "topologySpreadConstraints", kMerge, false, "topologyKey", ""},
    {"PodSpec", "schedulingGates", kMerge, false, "name", ""},
    {"PodSpec", "resourceClaims", kMerge, true, "name", ""},
    {"Container", "ports", kMerge, false, "containerPort", ""},
    {"Container", "env", kMerge, false, "name", ""},
    {"Container", "volumeMounts", kMerge, false, "mountPath", ""},
    {"Container", "volumeDevices", kMerge, false, "devicePath", ""},
    {"PodStatus", "conditions", kMerge, false, "type", ""},
    {"PodStatus", "podIPs", kMerge, false, "ip", ""},
    {"PodStatus", "hostIPs", kMerge, false, "ip", ""},
    {"PodStatus", "resourceClaimStatuses", kMerge, true, "name", ""},
    // Status types whose only tagged field is conditions, merged by type.
    {"ConditionsStatus", "conditions", kMerge, false, "type", ""},
    // core/v1 Service, Node, ServiceAccount, ReplicationController
    {"ServiceSpec", "ports", kMerge, false, "port", ""},
    {"NodeSpec", "podCIDRs", kMerge, false, "", ""},
    {"NodeStatus", "conditions", kMerge, false, "type", ""},
    {"NodeStatus", "addresses", kMerge, false, "type", ""},
    {"ReplicationControllerSpec", "template", kNone, false, "", "PodTemplateSpec"},
    // apps/v1
    {"DeploymentSpec", "template", kNone, false, "", "PodTemplateSpec"},
    {"DeploymentSpec", "strategy", kNone, true, "", ""},
    {"WorkloadSpec", "template", kNone, false, "", "PodTemplateSpec"},
    // batch/v1
    {"JobSpec", "template", kNone, false, "", "PodTemplateSpec"},
    {"CronJobSpec", "jobTemplate", kNone, false, "", "JobTemplateSpec"},
    {"JobTemplateSpec", "metadata", kNone, false, "", "ObjectMeta"},
    {"JobTemplateSpec", "spec", kNone, false, "", "JobSpec"},
};

// The top-level fields of each kind: its spec and status types (metadata is always
// ObjectMeta). Kinds sharing a shape share a type, e.g. ReplicaSet/StatefulSet/DaemonSet specs
// only carry a pod template as far as patching is concerned.
struct KindRow {
  const char* group;
  const char* kind;
  const char* spec_type;
  const char* status_type;
};

constexpr KindRow kKinds[] = {
    {"", "Pod", "PodSpec", "PodStatus"},
    {"", "PodTemplate", "", ""},  // Its pod template is the top-level "template" field.
    {"", "ReplicationController", "ReplicationControllerSpec", "ConditionsStatus"},
    {"", "Service", "ServiceSpec", "ConditionsStatus"},
    {"", "Node", "NodeSpec", "NodeStatus"},
    {"", "Namespace", "", "ConditionsStatus"},
    {"", "PersistentVolumeClaim", "", "ConditionsStatus"},
    {"", "ConfigMap", "", ""},
    {"", "Secret", "", ""},
    {"", "ServiceAccount", "", ""},
    {"", "Endpoints", "", ""},
    {"", "Event", "", ""},
    {"apps", "Deployment", "DeploymentSpec", "ConditionsStatus"},
    {"apps", "ReplicaSet", "WorkloadSpec", "ConditionsStatus"},
    {"apps", "StatefulSet", "WorkloadSpec", "ConditionsStatus"},
    {"apps", "DaemonSet", "WorkloadSpec", "ConditionsStatus"},
    {"batch", "Job", "JobSpec", "ConditionsStatus"},
    {"batch", "CronJob", "CronJobSpec", ""},
};

PatchSchema build_schema(const std::string& root) {
  PatchSchema schema(root);
  for (const TagRow& row : kTags) {
    schema.add_field(row.type, row.field,
                     FieldPatchMeta{row.strategy, row.retain_keys, row.merge_key, row.field_type});
  }
  schema.add_field(root, "metadata", FieldPatchMeta{kNone, false, "", "ObjectMeta"});
  return schema;
}

PatchSchema build_kind_schema(const KindRow& row) {
  PatchSchema schema = build_schema(row.kind);
  if (*row.spec_type) schema.add_field(row.kind, "spec", FieldPatchMeta{kNone, false, "", row.spec_type});
  if (*row.status_type) {
    schema.add_field(row.kind, "status", FieldPatchMeta{kNone, false, "", row.status_type});
  }
  if (std::string_view(row.kind) == "PodTemplate") {
    schema.add_field(row.kind, "template", FieldPatchMeta{kNone, false, "", "PodTemplateSpec"});
  }
  if (std::string_view(row.kind) == "ServiceAccount") {
    schema.add_field(row.kind, "secrets", FieldPatchMeta{kMerge, false, "name", ""});
  }
  return schema;
}

using KindKey = std::pair<std::string, std::string>;

const std::map<KindKey, PatchSchema, std::less<>>& builtin_schemas() {
  static const std::map<KindKey, PatchSchema, std::less<>> schemas = [] {
    std::map<KindKey, PatchSchema, std::less<>> built;
    for (const KindRow& row : kKinds) built.emplace(KindKey(row.group, row.kind), build_kind_schema(row));
    return built;
  }();
  return schemas;
}

}  // namespace

bool has_builtin_patch_schema(std::string_view group, std::string_view kind) {
  return builtin_schemas().count(KindKey(group, kind)) > 0;
}

const PatchSchema& builtin_patch_schema(std::string_view group, std::string_view kind) {
  const auto& schemas = builtin_schemas();
  auto it = schemas.find(KindKey(group, kind));
  if (it != schemas.end()) return it->second;
  static const PatchSchema generic = build_schema("Object");
  return generic;
}

}  // namespace kscratch::apimachinery
