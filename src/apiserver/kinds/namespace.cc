// Namespaces: SetDefaults_Namespace and SetDefaults_NamespaceStatus, the namespace strategy's
// finalizer on create, and ValidateNamespace / ValidateNamespaceUpdate.

#include "kinds.h"
#include "object_meta.h"

namespace kscratch::apiserver::kinds {
namespace json = boost::json;

namespace {

const MetaRules kNamespaceMeta{false, NameRule::kDNS1123Label, true};

}  // namespace

void set_defaults_namespace(json::object& obj) {
  // Every named namespace carries its name as a label, so namespace selectors can match it.
  if (json::object* meta = find_object(obj, "metadata")) {
    std::string name = string_or(*meta, "name");
    if (!name.empty()) {
      if (json::object* labels = object_for_defaults(*meta, "labels")) (*labels)["kubernetes.io/metadata.name"] = name;
    }
  }
  if (json::object* status = object_for_defaults(obj, "status")) default_string(*status, "phase", "Active");
}

void prepare_namespace_for_create(json::object& obj) {
  if (json::object* spec = object_for_defaults(obj, "spec")) (*spec)["finalizers"] = json::array{"kubernetes"};
}

FieldErrors validate_namespace(const json::object& obj, const json::object* old) {
  FieldErrors errs;
  Reader r(errs);
  if (old != nullptr) {
    // ValidateNamespaceUpdate checks metadata only: spec and status change through their
    // own subresources.
    validate_object_meta_update(r, obj, *old, kNamespaceMeta);
  } else {
    validate_object_meta(r, obj, kNamespaceMeta);
    FieldPath path = FieldPath("spec").child("finalizers");
    const json::object* spec = r.object(obj, "spec", FieldPath("spec"));
    if (spec != nullptr) {
      for (const std::string& f : r.string_list(*spec, "finalizers", path).value_or(std::vector<std::string>{})) {
        // Upstream reports these at spec.finalizers, without an index.
        validate_qualified_name(errs, f, path);
        if (f.find('/') == std::string::npos && f != "kubernetes" && f != "orphan" && f != "foregroundDeletion") {
          errs.push_back(invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
        }
      }
    }
  }
  dedupe(errs);
  return errs;
}

}  // namespace kscratch::apiserver::kinds
