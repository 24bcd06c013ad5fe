#pragma once
// What Deployments and ReplicaSets share (pkg/apis/apps/validation): the selector and its
// match with the pod template, and the selector's immutability on update that upstream's
// strategies add for apps/v1.

#include <string_view>

#include <boost/json/object.hpp>

#include "json_reader.h"

namespace kscratch::apiserver::kinds {

// The selector checks of ValidateDeploymentSpec / ValidateReplicaSetSpec and
// ValidatePodTemplateSpecForReplicaSet; `owner` names the kind in the activeDeadlineSeconds
// message (upstream says "ReplicaSet" for both).
void validate_selector_and_template(Reader& r, const boost::json::object& spec, const FieldPath& spec_path);
// ValidateImmutableField on spec.selector, with upstream's nil-equals-empty comparison.
void validate_selector_unchanged(Reader& r, const boost::json::object& obj, const boost::json::object& old);
// The replica counts of a Deployment or ReplicaSet status, each >= 0 and consistent.
void validate_nonnegative_fields(Reader& r, const boost::json::object& parent, const FieldPath& path,
                                 std::initializer_list<std::string_view> keys);

// Status counts that cannot exceed status.replicas, and availableReplicas that cannot
// exceed readyReplicas, checked in the order given as upstream's ValidateXStatus does.
void validate_counts_within_replicas(Reader& r, const boost::json::object& status, const FieldPath& path,
                                     std::initializer_list<std::string_view> counts);

const boost::json::object& spec_or_empty(const boost::json::object& obj);

}  // namespace kscratch::apiserver::kinds
