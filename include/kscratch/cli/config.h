#pragma once
// What each kscratch command is started with. The flags that fill these structs are
// defined apart, in src/cli/flags/ (as k3s keeps pkg/cli/cmds apart from what runs), so
// the code that runs a role never parses text.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::cli {

struct StoreConfig {
  std::chrono::seconds compaction_interval{60};
  long keep_revisions = 1000;
  std::chrono::seconds keep_window{300};
};

// The node's flags, shared by `server` (its local agent) and `agent`.
struct NodeConfig {
  std::string node_name;  // default: the host name
  std::string node_ip;    // default: the address of the default route
  std::filesystem::path private_registry = "/etc/kscratch/registries.yaml";
  int kubelet_port = 10250;
  std::filesystem::path pod_log_dir = "/var/log/pods";
  // What pods' resolv.conf names (the kube-dns ClusterIP) and searches under.
  std::string cluster_dns = "10.43.0.10";
  std::string cluster_domain = "cluster.local";
};

struct ServerConfig {
  std::filesystem::path data_dir = "/var/lib/kscratch";
  std::string bind_address = "0.0.0.0";
  int https_listen_port = 6443;
  std::filesystem::path write_kubeconfig = "/etc/kscratch/kubeconfig.yaml";
  std::string token;
  std::vector<std::string> tls_sans;  // more names or addresses for the serving certificate
  bool disable_agent = false;
  NodeConfig node;
  std::string cluster_cidr = "10.42.0.0/16";      // pod CIDRs for nodes come from here
  // The cluster DNS server: on the node IP unless set; port 0 turns it off.
  std::string dns_bind_address;
  int dns_port = 53;
  std::filesystem::path dns_resolv_conf = "/etc/resolv.conf";  // where other names go
  std::chrono::seconds node_monitor_grace_period{40};
  // DefaultTolerationSeconds admission: how long new pods stay on a not-ready or
  // unreachable node before the node lifecycle controller evicts them.
  int default_not_ready_toleration_seconds = 300;
  int default_unreachable_toleration_seconds = 300;
  StoreConfig store;
  std::chrono::seconds shutdown_timeout{30};
  int verbosity = 0;
};

struct AgentConfig {
  std::string server;  // https://host:port
  std::string token;
  std::filesystem::path data_dir = "/var/lib/kscratch";
  NodeConfig node;
  std::chrono::seconds shutdown_timeout{30};
  int verbosity = 0;
};

}  // namespace kscratch::cli
