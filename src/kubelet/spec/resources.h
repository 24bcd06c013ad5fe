#pragma once
// Container resources as cgroup limits (kuberuntime_container_linux.go
// calculateLinuxResources and pkg/kubelet/cm MilliCPUToShares / MilliCPUToQuota).

#include "kubelet/spec/spec.h"

namespace kscratch::kubelet::spec {

inline constexpr std::int64_t kMinShares = 2;
inline constexpr std::int64_t kMaxShares = 262144;
inline constexpr std::int64_t kQuotaPeriod = 100000;  // microseconds
inline constexpr std::int64_t kMinQuota = 1000;

std::uint64_t milli_cpu_to_shares(std::int64_t milli_cpu);
// 0 (no quota) for 0 millicores.
std::int64_t milli_cpu_to_quota(std::int64_t milli_cpu, std::int64_t period);

// limits.memory -> memory limit; limits.cpu -> CFS quota over a 100 ms period; the CPU
// request (else the limit) -> shares, 2 with neither. An error for an unparsable quantity.
Expected<containers::Resources> container_resources(const json::object& container);

}  // namespace kscratch::kubelet::spec
