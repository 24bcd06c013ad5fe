#pragma once
// Cluster DNS inside kscratch: what CoreDNS's kubernetes plugin does in a k3s cluster.
// A DNS server (UDP and TCP) that answers the cluster zone from informer caches of
// Services and EndpointSlices, and forwards every other name to the host's resolvers;
// plus the `kube-system/kube-dns` Service at --cluster-dns whose endpoints point at it.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::dns {

struct DnsOptions {
  std::string listen_address = "127.0.0.1";  // kscratch server: the node IP
  std::uint16_t port = 53;
  std::string cluster_domain = "cluster.local";
  std::string cluster_dns = "10.43.0.10";  // kube-dns's ClusterIP (never forwarded to)
  // Keep kube-system/kube-dns and its endpoints (address: endpoint_address, or
  // listen_address when empty), as `kscratch server` does.
  bool manage_service = true;
  std::string endpoint_address;
  std::string node_name;
  // Where forwarded names go: "IP" or "IP:PORT"; when empty, the nameservers of
  // resolv_conf (re-read every minute).
  std::vector<std::string> upstreams;
  std::filesystem::path resolv_conf = "/etc/resolv.conf";
  std::chrono::milliseconds forward_timeout{2000};
  std::uint32_t ttl = 5;
};

// Runs until cancelled. A listen address that cannot be bound is retried every few
// seconds (another process may hold port 53), with a warning, not a failure.
boost::asio::awaitable<void> run_dns(client::Client& client, DnsOptions options);

}  // namespace kscratch::dns
