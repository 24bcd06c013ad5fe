#pragma once
// PodSpec validation as upstream's ValidatePodSpec and ValidatePodTemplateSpec
// (pkg/apis/core/validation/validation.go), shared by Pods, Deployments and ReplicaSets.

#include <map>
#include <string>

#include <boost/json/object.hpp>

#include "json_reader.h"

namespace kscratch::apiserver::kinds {

struct PodSpecOptions {
  // Upstream's opts.ResourceIsPod: the spec is a Pod's own, not a template's.
  bool resource_is_pod = false;
};

// The pod's volumes by name, for checking container volume mounts.
using VolumeMap = std::map<std::string, const boost::json::object*>;

VolumeMap validate_volumes(Reader& r, const boost::json::object& spec, const FieldPath& path);
void validate_containers(Reader& r, const boost::json::object& spec, const VolumeMap& volumes,
                         const FieldPath& spec_path);
void validate_init_containers(Reader& r, const boost::json::object& spec, const VolumeMap& volumes,
                              const FieldPath& spec_path);
void validate_pod_spec(Reader& r, const boost::json::object& spec, const FieldPath& path, const PodSpecOptions& opts);
// ValidatePodTemplateSpec on {metadata: {labels, annotations}, spec}.
void validate_pod_template_spec(Reader& r, const boost::json::object& tmpl, const FieldPath& path);
// ValidateTolerations.
void validate_tolerations(Reader& r, const boost::json::array& tolerations, const FieldPath& path);
// Upstream's IsValidIP as a field check ("must be a valid IP address, (e.g. ...)").
bool is_ip(std::string_view s);
void validate_ip(FieldErrors& errs, std::string_view ip, const FieldPath& path);

}  // namespace kscratch::apiserver::kinds
