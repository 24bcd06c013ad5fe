// Strategic merge patch on built-in kinds: the schema tables against upstream's struct tags,
// kubectl apply's three-way patches for common edits, and the directives applied to pods.

#include "test_support.h"

using namespace kscratch::apimachinery;
using patch_test::J;

TEST_CASE("built-in schemas carry upstream's struct tags", "[patch][strategic][schema]") {
  const PatchSchema& deployment = builtin_patch_schema("apps", "Deployment");
  auto check = [](const FieldPatchMeta* meta, PatchStrategy strategy, const char* merge_key, bool retain = false) {
    REQUIRE(meta != nullptr);
    CHECK(meta->strategy == strategy);
    CHECK(meta->merge_key == merge_key);
    CHECK(meta->retain_keys == retain);
  };
  check(deployment.lookup_path("spec.template.spec.containers"), PatchStrategy::kMerge, "name");
  check(deployment.lookup_path("spec.template.spec.initContainers"), PatchStrategy::kMerge, "name");
  check(deployment.lookup_path("spec.template.spec.containers.ports"), PatchStrategy::kMerge, "containerPort");
  check(deployment.lookup_path("spec.template.spec.containers.env"), PatchStrategy::kMerge, "name");
  check(deployment.lookup_path("spec.template.spec.containers.volumeMounts"), PatchStrategy::kMerge, "mountPath");
  check(deployment.lookup_path("spec.template.spec.containers.volumeDevices"), PatchStrategy::kMerge, "devicePath");
  check(deployment.lookup_path("spec.template.spec.volumes"), PatchStrategy::kMerge, "name", true);
  check(deployment.lookup_path("spec.template.spec.imagePullSecrets"), PatchStrategy::kMerge, "name");
  check(deployment.lookup_path("spec.template.spec.hostAliases"), PatchStrategy::kMerge, "ip");
  check(deployment.lookup_path("spec.template.spec.topologySpreadConstraints"), PatchStrategy::kMerge, "topologyKey");
  check(deployment.lookup_path("spec.template.metadata.finalizers"), PatchStrategy::kMerge, "");
  check(deployment.lookup_path("spec.strategy"), PatchStrategy::kDefault, "", true);
  check(deployment.lookup_path("metadata.ownerReferences"), PatchStrategy::kMerge, "uid");
  check(deployment.lookup_path("status.conditions"), PatchStrategy::kMerge, "type");
  // Tolerations and readiness gates have no patchMergeKey upstream: they are replaced whole.
  CHECK(deployment.lookup_path("spec.template.spec.tolerations") == nullptr);
  CHECK(deployment.lookup_path("spec.template.spec.readinessGates") == nullptr);
  CHECK(deployment.lookup_path("spec.template.spec.containers.command") == nullptr);

  const PatchSchema& pod = builtin_patch_schema("", "Pod");
  check(pod.lookup_path("spec.ephemeralContainers.env"), PatchStrategy::kMerge, "name");
  check(pod.lookup_path("spec.schedulingGates"), PatchStrategy::kMerge, "name");
  check(pod.lookup_path("spec.resourceClaims"), PatchStrategy::kMerge, "name", true);
  check(pod.lookup_path("status.podIPs"), PatchStrategy::kMerge, "ip");
  check(pod.lookup_path("status.conditions"), PatchStrategy::kMerge, "type");
  check(pod.lookup_path("metadata.finalizers"), PatchStrategy::kMerge, "");

  check(builtin_patch_schema("", "Service").lookup_path("spec.ports"), PatchStrategy::kMerge, "port");
  check(builtin_patch_schema("", "Node").lookup_path("status.addresses"), PatchStrategy::kMerge, "type");
  check(builtin_patch_schema("", "Node").lookup_path("spec.podCIDRs"), PatchStrategy::kMerge, "");
  check(builtin_patch_schema("batch", "CronJob").lookup_path("spec.jobTemplate.spec.template.spec.containers.env"),
        PatchStrategy::kMerge, "name");
  check(builtin_patch_schema("apps", "StatefulSet").lookup_path("spec.template.spec.containers"),
        PatchStrategy::kMerge, "name");
  check(builtin_patch_schema("", "ServiceAccount").lookup_path("secrets"), PatchStrategy::kMerge, "name");

  CHECK(has_builtin_patch_schema("apps", "Deployment"));
  CHECK_FALSE(has_builtin_patch_schema("", "Deployment"));
  CHECK_FALSE(has_builtin_patch_schema("example.com", "Widget"));
  const PatchSchema& generic = builtin_patch_schema("example.com", "Widget");
  check(generic.lookup_path("metadata.finalizers"), PatchStrategy::kMerge, "");
  CHECK(generic.lookup_path("spec.containers") == nullptr);
}

namespace {

const char* const kDeploymentLastApplied = R"({
  "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
    "template": {"metadata": {"labels": {"app": "web"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14", "ports": [{"containerPort": 80}]}]}}}})";

const char* const kDeploymentLive = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "default", "uid": "u-1", "generation": 1,
               "annotations": {"deployment.kubernetes.io/revision": "1"}},
  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    "template": {"metadata": {"labels": {"app": "web"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14", "imagePullPolicy": "IfNotPresent",
                               "ports": [{"containerPort": 80, "protocol": "TCP"}]}],
               "restartPolicy": "Always"}}},
  "status": {"replicas": 2, "conditions": [{"type": "Available", "status": "True"}]}})";

}  // namespace

TEST_CASE("kubectl apply of a Deployment changing replicas, image and a port", "[patch][strategic][apply]") {
  const PatchSchema& schema = builtin_patch_schema("apps", "Deployment");
  auto modified = J(kDeploymentLastApplied);
  modified.at("spec").at("replicas") = 3;
  auto& container = modified.at("spec").at("template").at("spec").at("containers").at(0);
  container.at("image") = "nginx:1.16";
  container.at("ports") = J(R"([{"containerPort": 8080}])");

  auto patch = create_three_way_strategic_merge_patch(J(kDeploymentLastApplied), modified, J(kDeploymentLive), schema);
  CHECK_OK_JSON(patch, J(R"({"spec": {"replicas": 3, "template": {"spec": {
      "$setElementOrder/containers": [{"name": "nginx"}],
      "containers": [{"name": "nginx", "image": "nginx:1.16",
                      "$setElementOrder/ports": [{"containerPort": 8080}],
                      "ports": [{"containerPort": 8080}, {"containerPort": 80, "$patch": "delete"}]}]}}}})"));

  auto expected = J(kDeploymentLive);
  expected.at("spec").at("replicas") = 3;
  auto& live_container = expected.at("spec").at("template").at("spec").at("containers").at(0);
  live_container.at("image") = "nginx:1.16";
  live_container.at("ports") = J(R"([{"containerPort": 8080}])");
  CHECK_OK_JSON(apply_strategic_merge_patch(J(kDeploymentLive), *patch, schema), expected);
}

TEST_CASE("kubectl apply removing an env var keeps the ones others added", "[patch][strategic][apply]") {
  const PatchSchema& schema = builtin_patch_schema("", "Pod");
  auto original = J(R"({"spec": {"containers": [{"name": "app", "image": "x",
                       "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}})");
  auto modified = J(R"({"spec": {"containers": [{"name": "app", "image": "x", "env": [{"name": "A", "value": "1"}]}]}})");
  auto current = J(R"({"spec": {"containers": [{"name": "app", "image": "x", "env": [
                      {"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}]}]}})");
  auto patch = create_three_way_strategic_merge_patch(original, modified, current, schema);
  CHECK_OK_JSON(patch, J(R"({"spec": {"$setElementOrder/containers": [{"name": "app"}],
      "containers": [{"name": "app", "$setElementOrder/env": [{"name": "A"}],
                      "env": [{"name": "B", "$patch": "delete"}]}]}})"));
  CHECK_OK_JSON(apply_strategic_merge_patch(current, *patch, schema),
                J(R"({"spec": {"containers": [{"name": "app", "image": "x", "env": [
                      {"name": "A", "value": "1"}, {"name": "C", "value": "3"}]}]}})"));
}

TEST_CASE("kubectl apply switching the Deployment strategy sends $retainKeys", "[patch][strategic][apply]") {
  const PatchSchema& schema = builtin_patch_schema("apps", "Deployment");
  auto original = J(R"({"spec": {"replicas": 1}})");
  auto modified = J(R"({"spec": {"replicas": 1, "strategy": {"type": "Recreate"}}})");
  auto current = J(R"({"spec": {"replicas": 1, "strategy": {"type": "RollingUpdate",
                      "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}})");
  auto patch = create_three_way_strategic_merge_patch(original, modified, current, schema);
  CHECK_OK_JSON(patch, J(R"({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})"));
  CHECK_OK_JSON(apply_strategic_merge_patch(current, *patch, schema),
                J(R"({"spec": {"replicas": 1, "strategy": {"type": "Recreate"}}})"));
}

TEST_CASE("kubectl apply reordering containers sends only $setElementOrder", "[patch][strategic][apply]") {
  const PatchSchema& schema = builtin_patch_schema("", "Pod");
  auto original = J(R"({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}})");
  auto modified = J(R"({"spec": {"containers": [{"name": "b", "image": "y"}, {"name": "a", "image": "x"}]}})");
  auto current = J(R"({"spec": {"containers": [{"name": "a", "image": "x", "tty": true},
                                               {"name": "b", "image": "y"}]}})");
  auto patch = create_three_way_strategic_merge_patch(original, modified, current, schema);
  CHECK_OK_JSON(patch, J(R"({"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}]}})"));
  CHECK_OK_JSON(apply_strategic_merge_patch(current, *patch, schema),
                J(R"({"spec": {"containers": [{"name": "b", "image": "y"},
                                              {"name": "a", "image": "x", "tty": true}]}})"));
}

TEST_CASE("kubectl apply on a Service merges ports by port", "[patch][strategic][apply]") {
  const PatchSchema& schema = builtin_patch_schema("", "Service");
  auto original = J(R"({"spec": {"ports": [{"port": 80, "targetPort": 8080}]}})");
  auto modified = J(R"({"spec": {"ports": [{"port": 80, "targetPort": 9090}, {"port": 443}]}})");
  auto current = J(R"({"spec": {"clusterIP": "10.0.0.7", "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}})");
  auto patch = create_three_way_strategic_merge_patch(original, modified, current, schema);
  CHECK_OK_JSON(patch, J(R"({"spec": {"$setElementOrder/ports": [{"port": 80}, {"port": 443}],
                                      "ports": [{"port": 80, "targetPort": 9090}, {"port": 443}]}})"));
  CHECK_OK_JSON(apply_strategic_merge_patch(current, *patch, schema),
                J(R"({"spec": {"clusterIP": "10.0.0.7", "ports": [{"port": 80, "targetPort": 9090, "protocol": "TCP"},
                                                                  {"port": 443}]}})"));
}

TEST_CASE("kubectl apply of finalizers uses a set and a parallel deletion list", "[patch][strategic][apply]") {
  const PatchSchema& schema = builtin_patch_schema("", "ConfigMap");
  auto original = J(R"({"metadata": {"finalizers": ["a", "b"]}})");
  auto modified = J(R"({"metadata": {"finalizers": ["a", "c"]}})");
  auto current = J(R"({"metadata": {"finalizers": ["a", "b", "x"]}})");
  auto patch = create_three_way_strategic_merge_patch(original, modified, current, schema);
  CHECK_OK_JSON(patch, J(R"({"metadata": {"$setElementOrder/finalizers": ["a", "c"],
                                          "$deleteFromPrimitiveList/finalizers": ["b"], "finalizers": ["c"]}})"));
  CHECK_OK_JSON(apply_strategic_merge_patch(current, *patch, schema),
                J(R"({"metadata": {"finalizers": ["a", "c", "x"]}})"));
}

TEST_CASE("strategic merge patch directives on a Pod", "[patch][strategic]") {
  const PatchSchema& schema = builtin_patch_schema("", "Pod");
  auto pod = J(R"({"metadata": {"name": "p", "labels": {"a": "1", "b": "2"}},
                   "spec": {"containers": [{"name": "app", "image": "x", "ports": [{"containerPort": 80}]},
                                           {"name": "sidecar", "image": "y"}],
                            "tolerations": [{"key": "k1", "operator": "Exists"}],
                            "volumes": [{"name": "data", "emptyDir": {}}]}})");

  SECTION("$patch: delete removes a list item by merge key") {
    CHECK_OK_JSON(apply_strategic_merge_patch(pod, J(R"({"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}})"), schema),
                  J(R"({"metadata": {"name": "p", "labels": {"a": "1", "b": "2"}},
                        "spec": {"containers": [{"name": "app", "image": "x", "ports": [{"containerPort": 80}]}],
                                 "tolerations": [{"key": "k1", "operator": "Exists"}],
                                 "volumes": [{"name": "data", "emptyDir": {}}]}})"));
  }
  SECTION("$patch: replace replaces a whole list") {
    auto result = apply_strategic_merge_patch(
        pod, J(R"({"spec": {"containers": [{"name": "only", "image": "z"}, {"$patch": "replace"}]}})"), schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("spec").at("containers"), J(R"([{"name": "only", "image": "z"}])"));
  }
  SECTION("$patch: replace on a map replaces it") {
    auto result = apply_strategic_merge_patch(pod, J(R"({"metadata": {"labels": {"c": "3", "$patch": "replace"}}})"), schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("metadata").at("labels"), J(R"({"c": "3"})"));
  }
  SECTION("$patch: delete on a map empties it") {
    auto result = apply_strategic_merge_patch(pod, J(R"({"metadata": {"labels": {"$patch": "delete"}}})"), schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("metadata").at("labels"), J("{}"));
  }
  SECTION("items merge by name and nested lists by their own key") {
    auto result = apply_strategic_merge_patch(
        pod, J(R"({"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 443}]}, {"name": "new", "image": "n"}]}})"),
        schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("spec").at("containers"),
               J(R"([{"name": "app", "image": "x", "ports": [{"containerPort": 443}, {"containerPort": 80}]},
                     {"name": "new", "image": "n"}, {"name": "sidecar", "image": "y"}])"));
  }
  SECTION("lists without a merge key, like tolerations, are replaced") {
    auto result = apply_strategic_merge_patch(pod, J(R"({"spec": {"tolerations": [{"key": "k2", "operator": "Exists"}]}})"), schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("spec").at("tolerations"), J(R"([{"key": "k2", "operator": "Exists"}])"));
  }
  SECTION("volumes keep only $retainKeys when switching the source") {
    auto result = apply_strategic_merge_patch(
        pod, J(R"({"spec": {"volumes": [{"name": "data", "$retainKeys": ["name", "hostPath"], "hostPath": {"path": "/d"}}]}})"),
        schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("spec").at("volumes"), J(R"([{"name": "data", "hostPath": {"path": "/d"}}])"));
  }
  SECTION("null deletes, and nulls matching nothing are dropped") {
    auto result = apply_strategic_merge_patch(
        pod, J(R"({"metadata": {"labels": {"a": null}, "annotations": {"x": "1", "y": null}}})"), schema);
    REQUIRE(result.ok());
    CHECK_JSON(result->at("metadata"), J(R"({"name": "p", "labels": {"b": "2"}, "annotations": {"x": "1"}})"));
  }
  SECTION("unknown fields merge maps and replace lists") {
    auto doc = J(R"({"spec": {"extra": {"m": {"a": 1}, "l": [1, 2]}}})");
    auto result = apply_strategic_merge_patch(doc, J(R"({"spec": {"extra": {"m": {"b": 2}, "l": [3]}}})"), schema);
    CHECK_OK_JSON(result, J(R"({"spec": {"extra": {"m": {"a": 1, "b": 2}, "l": [3]}}})"));
  }
  SECTION("$deleteFromPrimitiveList and $setElementOrder on finalizers") {
    auto doc = J(R"({"metadata": {"finalizers": ["a", "b", "c"]}})");
    auto result = apply_strategic_merge_patch(
        doc, J(R"({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"], "$setElementOrder/finalizers": ["c", "a"]}})"),
        schema);
    CHECK_OK_JSON(result, J(R"({"metadata": {"finalizers": ["c", "a"]}})"));
  }
  SECTION("ownerReferences merge by uid") {
    auto doc = J(R"({"metadata": {"ownerReferences": [{"uid": "1", "kind": "ReplicaSet", "name": "rs"}]}})");
    auto result = apply_strategic_merge_patch(doc, J(R"({"metadata": {"ownerReferences": [{"uid": "1", "controller": true}]}})"), schema);
    CHECK_OK_JSON(result, J(R"({"metadata": {"ownerReferences": [{"uid": "1", "kind": "ReplicaSet", "name": "rs", "controller": true}]}})"));
  }
  SECTION("the inputs are not modified") {
    auto copy = pod;
    auto patch = J(R"({"spec": {"containers": [{"name": "app", "$patch": "delete"}]}})");
    auto patch_copy = patch;
    REQUIRE(apply_strategic_merge_patch(pod, patch, schema).ok());
    CHECK(pod == copy);
    CHECK(patch == patch_copy);
  }
}

TEST_CASE("a two-way patch turns the original into the modified object", "[patch][strategic]") {
  const PatchSchema& schema = builtin_patch_schema("apps", "Deployment");
  auto original = J(kDeploymentLive);
  auto modified = J(kDeploymentLive);
  modified.at("spec").at("template").at("spec").at("containers").at(0).as_object()["env"] = J(R"([{"name": "X", "value": "1"}])");
  modified.at("metadata").as_object().erase("annotations");
  auto patch = create_two_way_strategic_merge_patch(original, modified, schema);
  CHECK_OK_JSON(patch, J(R"({"metadata": {"annotations": null}, "spec": {"template": {"spec": {
      "$setElementOrder/containers": [{"name": "nginx"}],
      "containers": [{"name": "nginx", "env": [{"name": "X", "value": "1"}]}]}}}})"));
  CHECK_OK_JSON(apply_strategic_merge_patch(original, *patch, schema), modified);
}
