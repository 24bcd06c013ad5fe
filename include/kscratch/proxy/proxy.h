#pragma once
// kube-proxy, nftables mode (upstream's KEP-3866 layout): watches Services,
// EndpointSlices and Nodes, and keeps one nf_tables table of this node in step with
// them so that ClusterIPs, NodePorts, externalIPs and LoadBalancer IPs load-balance over
// the services' ready endpoints. The table is written through netlink (libnftnl over a
// libnl socket) in atomic transactions; it is never deleted while the proxy runs, so a
// restart does not interrupt traffic to services that did not change.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace kscratch::proxy {

struct ProxyOptions {
  std::string node_name;  // for Local traffic policies
  std::string table;      // the nf_tables table (family ip) the proxy owns
  std::string cluster_cidr = "10.42.0.0/16";  // pod traffic to services needs no masquerade
  // Writes status.loadBalancer.ingress of type LoadBalancer services: the nodes'
  // addresses (what k3s's built-in service load balancer does). One proxy per cluster
  // does it: the server's.
  bool manage_load_balancer_status = false;
  // Changes arriving within this window go into one transaction.
  std::chrono::milliseconds coalesce{3};
  // A full resync rewrites every service's rules (also after any failed transaction).
  std::chrono::seconds full_resync_period{3600};
};

// Runs until cancelled; the table stays (traffic keeps flowing while kscratch is down,
// as upstream's rules do). scripts/kscratch-killall.sh removes it.
boost::asio::awaitable<void> run_proxy(client::Client& client, ProxyOptions options);

// Deletes the proxy's table (a missing table is fine).
Status delete_proxy_table(const std::string& table);

}  // namespace kscratch::proxy
