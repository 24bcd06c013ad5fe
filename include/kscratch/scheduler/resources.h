#pragma once
// Compute resources as the scheduler counts them (upstream framework.Resource): integers, cpu in
// millicores and the rest in whole units, so the hot path never touches a resource.Quantity.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

namespace kscratch::scheduler {

// schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what scoring assumes for a container
// that requests nothing, so that many best-effort pods do not all land on one node.
inline constexpr int64_t kDefaultMilliCpuRequest = 100;
inline constexpr int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  int64_t pods = 0;  // Only meaningful for allocatable (upstream AllowedPodNumber).
  // Extended resources (example.com/gpu, hugepages-2Mi, ...), sorted by name.
  std::vector<std::pair<std::string, int64_t>> scalars;

  int64_t scalar(std::string_view name) const;
  void add(const Resources& other);
  void subtract(const Resources& other);
  bool operator==(const Resources&) const = default;
};

// upstream schedutil.IsScalarResourceName: extended resources, hugepages-*, attachable-volumes-*.
bool is_scalar_resource_name(std::string_view name);

// A v1.ResourceList ({"cpu": "500m", "memory": "1Gi", ...}) as Resources; unparsable quantities
// count as zero (the apiserver has validated them).
Resources parse_resource_list(const boost::json::value* list);

// What a pod asks of a node, from its spec (upstream resourcehelper.PodRequests): the sum over
// containers, at least the largest init container (restartable "sidecar" init containers add up
// as they keep running), plus spec.overhead. With non_zero, a container that omits cpu or memory
// counts kDefaultMilliCpuRequest / kDefaultMemoryRequest for it, as scoring does.
Resources pod_requests(const boost::json::object& pod_spec, bool non_zero);

}  // namespace kscratch::scheduler
