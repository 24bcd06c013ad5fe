// emptyDir (pkg/volume/emptydir): a directory of the pod, or a tmpfs for medium Memory
// sized as upstream's calculateEmptyDirMemorySize.

#include "kubelet/spec/json_util.h"
#include "kubelet/spec/volumes/volumes.h"

#include "kscratch/apimachinery/quantity.h"

#include <fmt/format.h>

#include <algorithm>

namespace kscratch::kubelet::spec::volumes {

namespace q = apimachinery::quantity;

namespace {

// The pod's memory limit as its cgroup gets it: only when every container has one, the
// larger of the app containers' sum and any init container's.
std::optional<std::int64_t> pod_memory_limit(const json::object& pod) {
  const auto& spec = jsonu::obj(pod, "spec");
  auto limit_of = [](const json::value& c) -> std::optional<std::int64_t> {
    auto text = jsonu::opt_str(jsonu::obj(jsonu::obj(jsonu::as_obj(c), "resources"), "limits"), "memory");
    if (!text) return std::nullopt;
    auto parsed = q::parse(*text);
    if (!parsed || parsed->is_zero()) return std::nullopt;
    return parsed->value();
  };
  std::int64_t sum = 0;
  for (const auto& c : jsonu::arr(spec, "containers")) {
    auto l = limit_of(c);
    if (!l) return std::nullopt;
    sum += *l;
  }
  for (const auto& c : jsonu::arr(spec, "initContainers")) {
    auto l = limit_of(c);
    if (!l) return std::nullopt;
    sum = std::max(sum, *l);
  }
  return sum > 0 ? std::optional<std::int64_t>(sum) : std::nullopt;
}

}  // namespace

Expected<PreparedVolume> empty_dir(const json::object& pod, const std::string& name, const json::object& source,
                                   const fs::path& pod_dir) {
  fs::path dir = volume_dir(pod_dir, "empty-dir", name);
  std::string medium = jsonu::str(source, "medium");
  if (!medium.empty() && medium != "Memory") {
    return make_error(fmt::format("emptyDir medium {} is not supported", medium));
  }
  std::error_code ec;
  bool fresh = !fs::exists(dir, ec);
  if (auto ok = setup_dir(dir); !ok) return ok.error();
  if (medium == "Memory") {
    // Never more than the node has, nor than the pod may use, nor than sizeLimit.
    std::int64_t size = node_allocatable().memory.value();
    if (auto pod_limit = pod_memory_limit(pod); pod_limit && *pod_limit <= size) size = *pod_limit;
    if (auto text = jsonu::opt_str(source, "sizeLimit")) {
      auto parsed = q::parse(*text);
      if (!parsed) return make_error(fmt::format("invalid sizeLimit {:?}: {}", *text, parsed.error().message));
      if (parsed->sign() > 0 && parsed->value() <= size) size = parsed->value();
    }
    std::string options = size > 0 ? fmt::format("size={}", size) : std::string();
    if (!is_mount_point(dir)) {
      fresh = true;
      if (auto ok = mount_tmpfs(dir, options); !ok) return ok.error();
    }
  }
  // fsGroup is applied once, when the volume is set up, as upstream's SetUp does before
  // marking the volume ready; a second pass would walk everything the pod wrote.
  if (fresh) {
    if (auto fs_group = jsonu::opt_int(jsonu::obj(jsonu::obj(pod, "spec"), "securityContext"), "fsGroup")) {
      if (auto ok = set_volume_ownership(dir, *fs_group, false); !ok) return ok.error();
    }
  }
  return PreparedVolume{dir, false};
}

}  // namespace kscratch::kubelet::spec::volumes
