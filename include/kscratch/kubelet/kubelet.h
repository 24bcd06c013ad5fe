#pragma once
// The kubelet: registers its Node and keeps its Lease, watches the pods bound to it and
// turns each into real containers (images pulled, a network namespace on the node's
// bridge, volumes, runc containers under a monitor), reports their status back, and
// serves their logs and exec to the apiserver.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::kubelet {

struct KubeletOptions {
  std::string node_name;                  // default: the host name
  std::string node_ip;                    // default: the address of the default route
  std::filesystem::path data_dir = "/var/lib/kscratch";
  std::filesystem::path pod_log_dir = "/var/log/pods";
  std::filesystem::path registries_file = "/etc/kscratch/registries.yaml";
  std::filesystem::path client_ca_file;   // verifies the apiserver at the kubelet's port
  std::filesystem::path self_exe;         // this binary, run as `kscratch monitor`
  std::string kubelet_address = "0.0.0.0";
  std::uint16_t kubelet_port = 10250;
  std::string cluster_cidr = "10.42.0.0/16";
  std::vector<std::string> cluster_dns = {"10.43.0.10"};
  std::string cluster_domain = "cluster.local";
  int max_pods = 110;
  std::chrono::seconds lease_duration{40};
  std::chrono::seconds lease_renew_interval{10};
  std::chrono::seconds status_report_interval{60};
};

// Runs until cancelled. Containers keep running when the kubelet stops (as k3s's do).
boost::asio::awaitable<void> run_kubelet(client::Client& client, KubeletOptions options);

// The defaults of --node-name and --node-ip: the host name (lower case), and the IPv4
// address of the default route's interface (127.0.0.1 when there is none).
std::string default_node_name();
std::string default_node_ip();

// Host-level names of one agent (bridge, cgroup parent, runc root, ...), derived from the
// data dir and node name so several agents coexist on one machine.
struct HostNames {
  std::string tag;  // 6 hex digits
  std::string bridge;
  std::string veth_prefix;
  std::string nft_table;    // the pod network's masquerade table
  std::string proxy_table;  // the proxy's table: kscratch-proxy-<tag>
  std::string cgroup_parent;      // /kscratch-<tag>
  std::filesystem::path run_dir;  // /run/kscratch-<tag>: runc root, netns mounts
};
HostNames host_names(const std::filesystem::path& data_dir, const std::string& node_name);

}  // namespace kscratch::kubelet
