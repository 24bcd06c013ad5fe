#pragma once
// ObjectMeta validation as upstream's ValidateObjectMeta and ValidateObjectMetaUpdate
// (apimachinery/pkg/api/validation/objectmeta.go plus the core package's finalizer check),
// and the label, annotation and label selector checks other validators share.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "json_reader.h"

namespace kscratch::apiserver::kinds {

// Which format object names must have (upstream's ValidateNameFunc per kind).
enum class NameRule {
  kDNS1123Subdomain,  // Most kinds.
  kDNS1123Label,      // Namespaces.
  kDNS1035Label,      // Services.
};

// Upstream's NameIs* functions: with prefix (generateName), a trailing dash is allowed.
std::vector<std::string> name_messages(NameRule rule, std::string_view name, bool prefix);

struct MetaRules {
  bool namespaced = true;
  NameRule name = NameRule::kDNS1123Subdomain;
  // The core API group's extra finalizer check ("name is neither a standard finalizer name
  // nor is it fully qualified"); coordination.k8s.io objects skip it.
  bool kube_finalizers = true;
};

void validate_object_meta(Reader& r, const boost::json::object& obj, const MetaRules& rules);
void validate_object_meta_update(Reader& r, const boost::json::object& obj, const boost::json::object& old,
                                 const MetaRules& rules);

// The metadata object, or an empty one when absent (a wrong type is reported elsewhere).
const boost::json::object& metadata_of(const boost::json::object& obj);

// ValidateLabels: qualified-name keys and valid label values, all reported at path.
void validate_labels(FieldErrors& errs, const StringMap& labels, const FieldPath& path);
// ValidateLabelName.
void validate_label_name(FieldErrors& errs, std::string_view key, const FieldPath& path);
// ValidateAnnotations, including the 256 KiB total size limit.
void validate_annotations(FieldErrors& errs, const StringMap& annotations, const FieldPath& path);
// metav1 ValidateLabelSelector on a JSON label selector.
void validate_label_selector(Reader& r, const boost::json::object& selector, const FieldPath& path);
// ValidateQualifiedName / ValidateDNS1123Label / ValidateDNS1123Subdomain on one value.
void validate_qualified_name(FieldErrors& errs, std::string_view value, const FieldPath& path);
void validate_dns1123_label(FieldErrors& errs, std::string_view value, const FieldPath& path);
void validate_dns1123_subdomain(FieldErrors& errs, std::string_view value, const FieldPath& path);
// ValidateNonnegativeField.
void validate_nonnegative(FieldErrors& errs, int64_t value, const FieldPath& path);

}  // namespace kscratch::apiserver::kinds
