#include "ownership.h"

#include <algorithm>

namespace kscratch::apiserver::fieldmanager::ownership {

namespace {

// upstream's stripmeta.go: paths removed from every set (not what lies below them, for
// "metadata", whose labels and annotations are owned).
const FieldSet& never_tracked() {
  static const FieldSet set = [] {
    FieldSet s;
    s.insert({"f:apiVersion"});
    s.insert({"f:kind"});
    s.insert({"f:metadata"});
    for (const char* f : {"name", "namespace", "creationTimestamp", "deletionTimestamp", "selfLink", "uid",
                          "clusterName", "generation", "managedFields", "resourceVersion"}) {
      s.insert({"f:metadata", std::string("f:") + f});
    }
    return s;
  }();
  return set;
}

}  // namespace

FieldSet strip(const Scope& scope, FieldSet set) {
  // Built once: strip runs on every write.
  static const Path managed_fields{"f:metadata", "f:managedFields"};
  static const Path status{"f:status"}, spec{"f:spec"}, metadata{"f:metadata"};
  set.subtract_in_place(never_tracked());
  set.erase_subtree(managed_fields);
  if (scope.subresource.empty() && scope.status_subresource) set.erase_subtree(status);
  if (scope.subresource == "status") {
    set.erase_subtree(spec);
    set.erase_subtree(metadata);
  }
  return set;
}

json::object without_managed_fields(const json::object& o) {
  json::object out = o;
  if (auto* meta = out.if_contains("metadata"); meta && meta->is_object()) meta->get_object().erase("managedFields");
  return out;
}

ManagedFields managed_fields_of(const json::object& o) {
  const auto* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) return {};
  const auto* mf = meta->get_object().if_contains("managedFields");
  if (!mf) return {};
  auto decoded = decode_managed_fields(*mf);
  return decoded ? std::move(*decoded) : ManagedFields{};
}

bool stored(const json::object& o) {
  const auto* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) return false;
  const auto* uid = meta->get_object().if_contains("uid");
  return uid && uid->is_string() && !uid->get_string().empty();
}

ManagedEntry& entry_for(ManagedFields& managed, const Scope& scope, const std::string& manager,
                        const std::string& operation) {
  auto it = std::find_if(managed.begin(), managed.end(), [&](const ManagedEntry& e) {
    return e.manager == manager && e.operation == operation && e.subresource == scope.subresource &&
           (operation == "Apply" || e.api_version == scope.api_version);
  });
  if (it != managed.end()) return *it;
  managed.push_back(ManagedEntry{manager, operation, scope.api_version, "", scope.subresource, {}});
  return managed.back();
}

void drop_empty(ManagedFields& managed) {
  managed.erase(std::remove_if(managed.begin(), managed.end(), [](const ManagedEntry& e) { return e.fields.empty(); }),
                managed.end());
}

void set_managed_fields(json::object& o, const ManagedFields& managed) {
  auto encoded = encode_managed_fields(managed);
  auto* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) {
    if (encoded.empty()) return;
    o["metadata"] = json::object();
    meta = o.if_contains("metadata");
  }
  if (encoded.empty()) meta->get_object().erase("managedFields");
  else meta->get_object()["managedFields"] = std::move(encoded);
}

}  // namespace kscratch::apiserver::fieldmanager::ownership
