#include "node_options.h"

#include <unistd.h>

#include <array>

namespace kscratch::cli {

namespace {
// This binary, which the kubelet runs again as `kscratch monitor` for each container.
std::filesystem::path self_exe() {
  std::array<char, 4096> buf{};
  auto n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  return n > 0 ? std::filesystem::path(std::string(buf.data(), static_cast<std::size_t>(n))) : "kscratch";
}
}  // namespace

kubelet::KubeletOptions kubelet_options(const NodeConfig& node, const std::filesystem::path& data_dir,
                                        const std::string& cluster_cidr, const std::filesystem::path& client_ca_file) {
  kubelet::KubeletOptions o;
  o.node_name = node.node_name.empty() ? kubelet::default_node_name() : node.node_name;
  o.node_ip = node.node_ip;
  o.data_dir = data_dir;
  o.pod_log_dir = node.pod_log_dir;
  o.registries_file = node.private_registry;
  o.client_ca_file = client_ca_file;
  o.self_exe = self_exe();
  o.kubelet_port = static_cast<std::uint16_t>(node.kubelet_port);
  o.cluster_cidr = cluster_cidr;
  o.cluster_dns = {node.cluster_dns};
  o.cluster_domain = node.cluster_domain;
  return o;
}

}  // namespace kscratch::cli
