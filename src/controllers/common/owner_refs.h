#pragma once
// Controller ownerReferences and the adopt/release protocol of upstream's
// pkg/controller/controller_ref_manager.go (BaseControllerRefManager.ClaimObject), shared by
// the ReplicaSet controller (claiming pods) and the Deployment controller (claiming
// ReplicaSets).

#include <string>
#include <string_view>
#include <vector>

#include "controllers/common/json_fields.h"

namespace kscratch::controllers {

// The group/version and kind written into an ownerReference.
struct OwnerKind {
  std::string_view api_version;
  std::string_view kind;
};
inline constexpr OwnerKind kReplicaSetKind{"apps/v1", "ReplicaSet"};
inline constexpr OwnerKind kDeploymentKind{"apps/v1", "Deployment"};

// Content type of the adopt and release patches (upstream sends strategic merge patches).
inline constexpr std::string_view kStrategicMergePatchType = "application/strategic-merge-patch+json";

// metav1.NewControllerRef: {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true}.
json::object controller_ref(const json::object& owner, OwnerKind kind);
// metav1.GetControllerOf: the ownerReference with controller: true, or nullptr.
const json::object* controller_of(const json::object& obj);
// metav1.IsControlledBy, by uid.
bool is_controlled_by(const json::object& obj, std::string_view owner_uid);

// A strategic merge patch for one object, to PATCH with kStrategicMergePatchType.
struct ObjectPatch {
  std::string name;
  std::string uid;
  json::object patch;
};

// ownerRefControllerPatch: makes owner the controller of the object with uid object_uid.
// {"metadata":{"ownerReferences":[<controller ref>],"uid":"<object uid>"}}; the uid
// makes the patch fail if the object was deleted and recreated meanwhile.
json::object adopt_patch(const json::object& owner, OwnerKind kind, std::string_view object_uid);
// GenerateDeleteOwnerRefStrategicMergeBytes: removes the ownerReference to owner_uid.
// {"metadata":{"ownerReferences":[{"$patch":"delete","uid":"<owner uid>"}],"uid":"<object uid>"}}
json::object release_patch(std::string_view owner_uid, std::string_view object_uid);

// What ClaimObject decides for one object.
enum class Claim {
  kOwned,    // ours and matching: keep
  kAdopt,    // an orphan that matches: patch with adopt_patch, then it is ours
  kRelease,  // ours but no longer matching: patch with release_patch, then it is not
  kIgnore,   // someone else's, or an orphan we may not take
};
// Upstream BaseControllerRefManager.ClaimObject, with `matches` the selector's verdict.
Claim claim_object(const json::object& controller, const json::object& obj, bool matches);

}  // namespace kscratch::controllers
