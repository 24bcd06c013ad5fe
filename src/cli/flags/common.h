#pragma once
// Shared pieces of the flag definitions: parsing a vector of arguments with a set of
// options, and turning Boost's exceptions into UsageError.

#include "flags.h"

#include <boost/program_options.hpp>

#include <functional>
#include <optional>
#include <string>
#include <sstream>

namespace kscratch::cli::flags {

namespace po = boost::program_options;

// Parses args against options; calls finish(vm) to validate and build the config.
template <class Config>
Parsed<Config> parse(const std::string& usage, const po::options_description& options,
                     const std::vector<std::string>& args,
                     const std::function<Parsed<Config>(const po::variables_map&)>& finish) {
  po::variables_map vm;
  // klog spells verbosity -v=N; Program_options reads a short flag's value without '='.
  std::vector<std::string> normalized = args;
  for (auto& a : normalized) {
    if (a.rfind("-v=", 0) == 0) a = "--v=" + a.substr(3);
  }
  try {
    // Positional arguments are not accepted by any role command.
    po::store(po::command_line_parser(normalized).options(options).positional({}).run(), vm);
    if (vm.count("help")) {
      std::ostringstream text;
      text << usage << "\n\n" << options;
      return Help{text.str()};
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return UsageError{e.what()};
  }
  return finish(vm);
}

inline void add_common(po::options_description& d, int& verbosity, std::chrono::seconds& shutdown_timeout) {
  d.add_options()
    ("help,h", "Show this help")
    ("v,v", po::value<int>(&verbosity)->default_value(0)->value_name("N"),
     "Log verbosity: 0 info, 2 debug, 4 trace")
    ("shutdown-timeout", po::value<long>()->default_value(shutdown_timeout.count())->value_name("SECONDS")
       ->notifier([&](long s) { shutdown_timeout = std::chrono::seconds(s); }),
     "How long components get to stop after SIGINT/SIGTERM");
}

// A dotted quad, each part 0-255 without leading zeros.
inline bool is_ipv4(const std::string& s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size() && parts < 4) {
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i || j - i > 3 || (j - i > 1 && s[i] == '0') || std::stoi(s.substr(i, j - i)) > 255) return false;
    ++parts;
    if (j == s.size()) return parts == 4;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return false;
}

// RFC 1123 subdomain, as Kubernetes validates --cluster-domain.
inline bool is_dns_domain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    auto end = s.find('.', start);
    auto label = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

// Flags of the node (kubelet) part. The strings are parsed into the config by finish_node.
struct NodeFlags {
  std::string private_registry, pod_log_dir;
};

inline void add_node(po::options_description& d, NodeConfig& n, NodeFlags& f) {
  f.private_registry = n.private_registry;
  f.pod_log_dir = n.pod_log_dir;
  d.add_options()
    ("node-name", po::value(&n.node_name)->value_name("NAME"), "Node name (default: the host name)")
    ("node-ip", po::value(&n.node_ip)->value_name("IP"), "Node address (default: that of the default route)")
    ("private-registry", po::value(&f.private_registry)->default_value(f.private_registry)->value_name("FILE"),
     "Registry mirrors and credentials (k3s registries.yaml format)")
    ("kubelet-port", po::value(&n.kubelet_port)->default_value(n.kubelet_port)->value_name("PORT"),
     "Port of the kubelet's server (logs, exec)")
    ("pod-log-dir", po::value(&f.pod_log_dir)->default_value(f.pod_log_dir)->value_name("DIR"),
     "Where containers' logs are written (<dir>/<ns>_<pod>_<uid>/<container>/<n>.log)")
    ("cluster-dns", po::value(&n.cluster_dns)->default_value(n.cluster_dns)->value_name("IP"),
     "ClusterIP of the kube-dns Service: the nameserver of pods' resolv.conf")
    ("cluster-domain", po::value(&n.cluster_domain)->default_value(n.cluster_domain)->value_name("DOMAIN"),
     "Cluster domain: services are <svc>.<ns>.svc.<domain>");
}

// Checks and stores the node flags; an error message names the flag.
inline std::optional<std::string> finish_node(NodeConfig& n, const NodeFlags& f) {
  if (n.kubelet_port < 1 || n.kubelet_port > 65535) {
    return "--kubelet-port " + std::to_string(n.kubelet_port) + " is out of range 1-65535";
  }
  if (f.pod_log_dir.empty()) return std::string("--pod-log-dir must not be empty");
  if (!is_ipv4(n.cluster_dns)) return "--cluster-dns " + n.cluster_dns + " is not an IPv4 address";
  while (n.cluster_domain.ends_with('.')) n.cluster_domain.pop_back();
  if (!is_dns_domain(n.cluster_domain)) {
    return "--cluster-domain " + n.cluster_domain + " is not a DNS domain (lower-case labels of a-z, 0-9 and '-')";
  }
  n.private_registry = f.private_registry;
  n.pod_log_dir = f.pod_log_dir;
  return std::nullopt;
}

}  // namespace kscratch::cli::flags
