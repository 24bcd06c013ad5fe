#pragma once
// The downward API: pod fields (fieldRef) and container resources (resourceFieldRef)
// as strings, shared by environment variables and downwardAPI volume files.

#include "kubelet/spec/spec.h"

#include "kscratch/apimachinery/quantity.h"

#include <string>

namespace kscratch::kubelet::spec {

// metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations
// (whole, as upstream's FormatMap, or one key: metadata.labels['k']), spec.nodeName,
// spec.serviceAccountName, status.hostIP(s), status.podIP(s).
Expected<std::string> pod_field_value(const json::object& pod, const std::string& field_path,
                                      const PodPlacement& placement);

// What the node offers, for resource limits a container does not set (upstream uses the
// node's allocatable; the kubelet here reserves nothing, so that is the machine's capacity).
struct NodeAllocatable {
  apimachinery::quantity::Quantity cpu;
  apimachinery::quantity::Quantity memory;
  apimachinery::quantity::Quantity ephemeral_storage;
};
// The machine's CPUs, physical memory and root filesystem size (read once).
const NodeAllocatable& node_allocatable();

// limits.cpu|memory|ephemeral-storage or requests.* of the container, divided by the divisor
// (default 1) and rounded up, as upstream's ExtractContainerResourceValue; a missing limit is
// the node's allocatable amount.
Expected<std::string> container_resource_value(const json::object& container, const std::string& resource,
                                               const std::string& divisor, const NodeAllocatable& node);

}  // namespace kscratch::kubelet::spec
