// Downward API values: kubelet_pods.go podFieldSelectorRuntimeValue, fieldpath.
// ExtractFieldPathAsString and resource.ExtractContainerResourceValue.

#include "kubelet/spec/fieldpath.h"

#include "kscratch/apimachinery/goformat.h"
#include "kubelet/spec/json_util.h"

#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

namespace kscratch::kubelet::spec {

namespace q = apimachinery::quantity;

namespace {

// FormatMap: sorted key="value" lines, no trailing newline.
std::string format_map(const json::object& m) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& kv : m) items.emplace_back(std::string(kv.key()), jsonu::as_str(kv.value()));
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& [k, v] : items) {
    if (!out.empty()) out += '\n';
    out += k + "=" + apimachinery::goformat::go_quote(v);  // Go's %q
  }
  return out;
}

// "metadata.labels['app']" -> ("metadata.labels", "app").
bool split_subscript(const std::string& path, std::string& base, std::string& key) {
  auto open = path.find("['");
  if (open == std::string::npos || path.size() < open + 4 || path.compare(path.size() - 2, 2, "']") != 0) return false;
  base = path.substr(0, open);
  key = path.substr(open + 2, path.size() - open - 4);
  return true;
}

// The pod's IPs: a host-network pod has the node's.
std::string pod_ip(const json::object& pod, const PodPlacement& placement) {
  if (!placement.pod_ip.empty()) return placement.pod_ip;
  if (jsonu::boolean(jsonu::obj(pod, "spec"), "hostNetwork")) return placement.host_ip;
  return jsonu::str(jsonu::obj(pod, "status"), "podIP");
}

}  // namespace

Expected<std::string> pod_field_value(const json::object& pod, const std::string& field_path,
                                      const PodPlacement& placement) {
  const auto& meta = jsonu::obj(pod, "metadata");
  const auto& spec = jsonu::obj(pod, "spec");
  std::string base, key;
  if (split_subscript(field_path, base, key)) {
    if (base == "metadata.labels") return jsonu::str(jsonu::obj(meta, "labels"), key);
    if (base == "metadata.annotations") return jsonu::str(jsonu::obj(meta, "annotations"), key);
    return make_error(fmt::format("field label not supported: {}", base));
  }
  if (field_path == "metadata.name") return jsonu::str(meta, "name");
  if (field_path == "metadata.namespace") return jsonu::str(meta, "namespace");
  if (field_path == "metadata.uid") return jsonu::str(meta, "uid");
  if (field_path == "metadata.labels") return format_map(jsonu::obj(meta, "labels"));
  if (field_path == "metadata.annotations") return format_map(jsonu::obj(meta, "annotations"));
  if (field_path == "spec.nodeName") {
    std::string node = jsonu::str(spec, "nodeName");
    return node.empty() ? placement.node_name : node;
  }
  if (field_path == "spec.serviceAccountName") return jsonu::str(spec, "serviceAccountName");
  if (field_path == "status.hostIP" || field_path == "status.hostIPs") return placement.host_ip;
  // One IP family here: podIPs is the single pod IP.
  if (field_path == "status.podIP" || field_path == "status.podIPs") return pod_ip(pod, placement);
  return make_error(fmt::format("unsupported fieldPath: {}", field_path));
}

const NodeAllocatable& node_allocatable() {
  static const NodeAllocatable node = [] {
    NodeAllocatable n;
    unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    n.cpu = q::Quantity::from_scaled(cpus, 0);
    long pages = sysconf(_SC_PHYS_PAGES);
    long page_size = sysconf(_SC_PAGESIZE);
    n.memory = q::Quantity::from_scaled(pages > 0 && page_size > 0 ? std::int64_t{pages} * page_size : 0, 0,
                                        q::Format::kBinarySI);
    struct statvfs fs {};
    std::int64_t disk = statvfs("/", &fs) == 0 ? static_cast<std::int64_t>(fs.f_blocks * fs.f_frsize) : 0;
    n.ephemeral_storage = q::Quantity::from_scaled(disk, 0, q::Format::kBinarySI);
    return n;
  }();
  return node;
}

Expected<std::string> container_resource_value(const json::object& container, const std::string& resource,
                                               const std::string& divisor_text, const NodeAllocatable& node) {
  auto dot = resource.find('.');
  std::string kind = dot == std::string::npos ? "" : resource.substr(0, dot);
  std::string name = dot == std::string::npos ? "" : resource.substr(dot + 1);
  bool is_cpu = name == "cpu";
  if ((kind != "limits" && kind != "requests") || (name != "cpu" && name != "memory" && name != "ephemeral-storage")) {
    return make_error(fmt::format("unsupported container resource : {}", resource));
  }

  q::Quantity divisor = q::Quantity::from_scaled(1, 0);
  if (!divisor_text.empty()) {
    auto parsed = q::parse(divisor_text);
    if (!parsed) return make_error(fmt::format("invalid divisor {:?}: {}", divisor_text, parsed.error().message));
    if (!parsed->is_zero()) divisor = *parsed;
  }

  const auto& resources = jsonu::obj(container, "resources");
  const auto& limits = jsonu::obj(resources, "limits");
  const auto& requests = jsonu::obj(resources, "requests");
  // The apiserver defaults a missing request to the limit; a missing limit is what the
  // node can give (defaultPodLimitsForDownwardAPI).
  std::optional<std::string> text =
      kind == "limits" ? jsonu::opt_str(limits, name) : jsonu::opt_str(requests, name);
  if (!text && kind == "requests") text = jsonu::opt_str(limits, name);
  q::Quantity amount;
  if (text) {
    auto parsed = q::parse(*text);
    if (!parsed) return make_error(fmt::format("invalid {} {:?}: {}", resource, *text, parsed.error().message));
    amount = *parsed;
  } else if (kind == "limits") {
    amount = is_cpu ? node.cpu : name == "memory" ? node.memory : node.ephemeral_storage;
  }

  // Rounded up, as upstream's math.Ceil of the quotient.
  std::int64_t num = is_cpu ? amount.milli_value() : amount.value();
  std::int64_t den = is_cpu ? divisor.milli_value() : divisor.value();
  if (den <= 0) den = 1;
  std::int64_t result = num / den + (num % den > 0 ? 1 : 0);
  return std::to_string(result);
}

}  // namespace kscratch::kubelet::spec
