#include "common.h"

#include <fmt/format.h>

namespace kscratch::cli::flags {

Parsed<ServerConfig> parse_server(const std::vector<std::string>& args) {
  ServerConfig c;
  po::options_description d("Flags");
  add_common(d, c.verbosity, c.shutdown_timeout);
  std::string data_dir = c.data_dir, kubeconfig = c.write_kubeconfig, dns_resolv_conf = c.dns_resolv_conf;
  long interval = c.store.compaction_interval.count(), window = c.store.keep_window.count();
  long grace = c.node_monitor_grace_period.count();
  NodeFlags node_flags;
  d.add_options()
    ("data-dir,d", po::value(&data_dir)->default_value(data_dir)->value_name("DIR"),
     "Folder to hold state (the store is <data-dir>/server/db/state.db)")
    ("bind-address", po::value(&c.bind_address)->default_value(c.bind_address)->value_name("IP"),
     "Address the API server listens on")
    ("https-listen-port", po::value(&c.https_listen_port)->default_value(c.https_listen_port)->value_name("PORT"),
     "Port the API server listens on")
    ("write-kubeconfig,o", po::value(&kubeconfig)->default_value(kubeconfig)->value_name("FILE"),
     "Where to write the admin kubeconfig")
    ("token,t", po::value(&c.token)->value_name("TOKEN"),
     "Shared secret agents join with (generated when absent)")
    ("tls-san", po::value(&c.tls_sans)->composing()->value_name("NAME"),
     "Another host name or IP address in the serving certificate (repeatable)")
    ("disable-agent", po::bool_switch(&c.disable_agent), "Run the control plane only, no kubelet or proxy")
    ("cluster-cidr", po::value(&c.cluster_cidr)->default_value(c.cluster_cidr)->value_name("CIDR"),
     "IPv4 range of pod IPs; each node gets a /24 of it")
    ("dns-bind-address", po::value(&c.dns_bind_address)->value_name("IP"),
     "Address the cluster DNS server listens on (default: the node IP)")
    ("dns-port", po::value(&c.dns_port)->default_value(c.dns_port)->value_name("PORT"),
     "Port of the cluster DNS server, UDP and TCP (0: no cluster DNS)")
    ("dns-resolv-conf", po::value(&dns_resolv_conf)->default_value(dns_resolv_conf)->value_name("FILE"),
     "The nameservers cluster DNS forwards names outside the cluster domain to")
    ("node-monitor-grace-period", po::value(&grace)->default_value(grace)->value_name("SECONDS"),
     "How long a node may stop renewing its lease before it is marked NotReady")
    ("default-not-ready-toleration-seconds", po::value(&c.default_not_ready_toleration_seconds)
       ->default_value(c.default_not_ready_toleration_seconds)->value_name("SECONDS"),
     "Toleration of node.kubernetes.io/not-ready:NoExecute added to pods that have none")
    ("default-unreachable-toleration-seconds", po::value(&c.default_unreachable_toleration_seconds)
       ->default_value(c.default_unreachable_toleration_seconds)->value_name("SECONDS"),
     "Toleration of node.kubernetes.io/unreachable:NoExecute added to pods that have none")
    ("compaction-interval", po::value(&interval)->default_value(interval)->value_name("SECONDS"),
     "How often the store compacts its history (0 disables)")
    ("compaction-keep-revisions", po::value(&c.store.keep_revisions)->default_value(c.store.keep_revisions)
       ->value_name("N"), "Revisions of history the store always keeps")
    ("compaction-keep-window", po::value(&window)->default_value(window)->value_name("SECONDS"),
     "History the store keeps by age, for watchers that reconnect");
  add_node(d, c.node, node_flags);
  return parse<ServerConfig>(
      "Usage: kscratch server [flags]\n\nRuns the control plane (store, API server, scheduler, controllers)"
      " and, unless --disable-agent, a local agent.",
      d, args, [&](const po::variables_map&) -> Parsed<ServerConfig> {
        if (c.https_listen_port < 1 || c.https_listen_port > 65535) {
          return UsageError{fmt::format("--https-listen-port {} is out of range 1-65535", c.https_listen_port)};
        }
        if (data_dir.empty()) return UsageError{"--data-dir must not be empty"};
        if (c.dns_port < 0 || c.dns_port > 65535) {
          return UsageError{fmt::format("--dns-port {} is out of range 0-65535", c.dns_port)};
        }
        if (!c.dns_bind_address.empty() && !is_ipv4(c.dns_bind_address)) {
          return UsageError{fmt::format("--dns-bind-address {} is not an IPv4 address", c.dns_bind_address)};
        }
        if (grace <= 0) return UsageError{"--node-monitor-grace-period must be positive"};
        if (c.default_not_ready_toleration_seconds < 0 || c.default_unreachable_toleration_seconds < 0) {
          return UsageError{"--default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds must not be negative"};
        }
        if (auto bad = finish_node(c.node, node_flags)) return UsageError{*bad};
        c.node_monitor_grace_period = std::chrono::seconds(grace);
        if (interval < 0 || window < 0 || c.store.keep_revisions < 0) {
          return UsageError{"compaction settings must not be negative"};
        }
        c.data_dir = data_dir;
        c.write_kubeconfig = kubeconfig;
        c.dns_resolv_conf = dns_resolv_conf;
        c.store.compaction_interval = std::chrono::seconds(interval);
        c.store.keep_window = std::chrono::seconds(window);
        return c;
      });
}

}  // namespace kscratch::cli::flags
