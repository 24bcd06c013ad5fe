#pragma once
// Pod defaulting shared by Pods and pod templates: SetDefaults_PodSpec, SetDefaults_Container,
// the volume, probe and port defaults of the generated defaulters, and SetDefaults_Pod's
// Pod-only parts.

#include <boost/json/object.hpp>

namespace kscratch::apiserver::kinds {

// Everything a PodSpec gets wherever it appears (Pods and templates).
void set_pod_spec_defaults(boost::json::object& spec);
// A PodTemplateSpec ({metadata, spec}) in a Deployment or ReplicaSet.
void set_pod_template_defaults(boost::json::object& template_spec);

// Guaranteed, Burstable or BestEffort (pkg/apis/core/helper/qos.GetPodQOS), over a pod
// whose requests have been defaulted from limits. Set once, at creation, as upstream's
// PrepareForCreate does; the status keeps it for the pod's life.
const char* pod_qos_class(const boost::json::object& pod);

// DefaultTolerationSeconds admission: a pod that does not tolerate the not-ready or
// unreachable NoExecute taints gets a toleration of each for the given seconds. Pod
// defaulting applies it with upstream's 300 s; the API server applies it first on create
// with its configured values (so defaulting then finds them tolerated).
void add_default_tolerations(boost::json::object& spec, int not_ready_seconds, int unreachable_seconds);

}  // namespace kscratch::apiserver::kinds
