#include "controllers/common/owner_refs.h"

namespace kscratch::controllers {

json::object controller_ref(const json::object& owner, OwnerKind kind) {
  return json::object{{"apiVersion", kind.api_version},
                      {"kind", kind.kind},
                      {"name", name_of(owner)},
                      {"uid", uid_of(owner)},
                      {"controller", true},
                      {"blockOwnerDeletion", true}};
}

const json::object* controller_of(const json::object& obj) {
  const json::value* refs = metadata_of(obj).if_contains("ownerReferences");
  if (!refs || !refs->is_array()) return nullptr;
  for (const json::value& ref : refs->get_array()) {
    if (const json::object* r = ref.if_object(); r && bool_at(*r, "controller")) return r;
  }
  return nullptr;
}

bool is_controlled_by(const json::object& obj, std::string_view owner_uid) {
  const json::object* ref = controller_of(obj);
  return ref && string_at(*ref, "uid") == owner_uid;
}

json::object adopt_patch(const json::object& owner, OwnerKind kind, std::string_view object_uid) {
  return json::object{
      {"metadata", json::object{{"ownerReferences", json::array{controller_ref(owner, kind)}},
                                {"uid", object_uid}}}};
}

json::object release_patch(std::string_view owner_uid, std::string_view object_uid) {
  json::object remove{{"$patch", "delete"}, {"uid", owner_uid}};
  return json::object{
      {"metadata", json::object{{"ownerReferences", json::array{remove}}, {"uid", object_uid}}}};
}

Claim claim_object(const json::object& controller, const json::object& obj, bool matches) {
  if (const json::object* ref = controller_of(obj)) {
    if (string_at(*ref, "uid") != uid_of(controller)) return Claim::kIgnore;  // someone else's
    if (matches) return Claim::kOwned;
    // Ours but no longer selected: release it, unless we are being deleted.
    return is_being_deleted(controller) ? Claim::kIgnore : Claim::kRelease;
  }
  // An orphan: adopt it only when it matches and neither side is being deleted.
  if (is_being_deleted(controller) || !matches) return Claim::kIgnore;
  if (is_being_deleted(obj)) return Claim::kIgnore;
  const std::string ns = namespace_of(controller);
  if (!ns.empty() && ns != namespace_of(obj)) return Claim::kIgnore;
  return Claim::kAdopt;
}

}  // namespace kscratch::controllers
