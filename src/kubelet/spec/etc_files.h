#pragma once
// The pod's /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent), its
// /etc/resolv.conf (pkg/kubelet/network/dns GetPodDNS, as containerd then writes it) and
// /etc/hostname.

#include "kubelet/spec/spec.h"

#include <string>
#include <vector>

namespace kscratch::kubelet::spec {

struct DnsConfig {
  std::vector<std::string> servers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};

// parseResolvConf: nameservers accumulate, the last search line wins ("." dropped,
// trailing dots trimmed), options accumulate with later values of a name replacing.
DnsConfig parse_resolv_conf(const std::string& content);
// containerd's layout: search, nameserver lines, options.
std::string format_resolv_conf(const DnsConfig& config);
// The pod's DNS settings by dnsPolicy and dnsConfig; host is the node's resolv.conf.
DnsConfig pod_dns_config(const json::object& pod, const PodPlacement& placement, const DnsConfig& host);

// GeneratePodHostNameAndDomain: spec.hostname or the pod name (cut to 63 characters),
// and <subdomain>.<ns>.svc.<cluster domain> when spec.subdomain is set.
struct PodHostname {
  std::string hostname;
  std::string domain;
};
PodHostname pod_hostname(const json::object& pod, const PodPlacement& placement);

// The hosts file of a pod with its own network.
std::string managed_hosts_content(const json::object& pod, const PodPlacement& placement);

// write_pod_etc_files with the host's files taken from host_etc (tests use a temp dir).
Status write_pod_etc_files_from(const json::object& pod, const std::filesystem::path& pod_dir,
                                const PodPlacement& placement, const std::filesystem::path& host_etc);

}  // namespace kscratch::kubelet::spec
