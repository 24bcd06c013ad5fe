// CPU shares, CFS quota and memory limit from a container's requests and limits.

#include "kubelet/spec/resources.h"

#include "kubelet/spec/json_util.h"

#include "kscratch/apimachinery/quantity.h"

#include <fmt/format.h>

namespace kscratch::kubelet::spec {

namespace q = apimachinery::quantity;

std::uint64_t milli_cpu_to_shares(std::int64_t milli_cpu) {
  if (milli_cpu == 0) return kMinShares;
  std::int64_t shares = milli_cpu * 1024 / 1000;
  if (shares < kMinShares) return kMinShares;
  if (shares > kMaxShares) return kMaxShares;
  return static_cast<std::uint64_t>(shares);
}

std::int64_t milli_cpu_to_quota(std::int64_t milli_cpu, std::int64_t period) {
  if (milli_cpu == 0) return 0;
  std::int64_t quota = milli_cpu * period / 1000;
  return quota < kMinQuota ? kMinQuota : quota;
}

Expected<containers::Resources> container_resources(const json::object& container) {
  const auto& resources = jsonu::obj(container, "resources");
  auto read = [&](const char* group, const char* name) -> Expected<q::Quantity> {
    auto text = jsonu::opt_str(jsonu::obj(resources, group), name);
    if (!text) return q::Quantity();
    auto parsed = q::parse(*text);
    if (!parsed) return make_error(fmt::format("{}.{} {:?}: {}", group, name, *text, parsed.error().message));
    return *parsed;
  };
  auto cpu_request = read("requests", "cpu");
  if (!cpu_request) return cpu_request.error();
  auto cpu_limit = read("limits", "cpu");
  if (!cpu_limit) return cpu_limit.error();
  auto memory_limit = read("limits", "memory");
  if (!memory_limit) return memory_limit.error();

  containers::Resources out;
  // A request defaults to the limit, as the apiserver does for new pods.
  std::int64_t shares_from = cpu_request->is_zero() ? cpu_limit->milli_value() : cpu_request->milli_value();
  out.cpu_shares = milli_cpu_to_shares(shares_from);
  if (!memory_limit->is_zero()) out.memory_limit_bytes = memory_limit->value();
  if (std::int64_t quota = milli_cpu_to_quota(cpu_limit->milli_value(), kQuotaPeriod); quota > 0) {
    out.cpu_quota_us = quota;
    out.cpu_period_us = static_cast<std::uint64_t>(kQuotaPeriod);
  }
  return out;
}

}  // namespace kscratch::kubelet::spec
