#pragma once
// The `kube-system/kube-dns` Service that pods' resolv.conf points at (its ClusterIP is
// the kubelet's --cluster-dns), with Endpoints and an EndpointSlice naming kscratch's DNS
// server: upstream has CoreDNS pods behind it; here DNS runs inside kscratch, so kscratch
// keeps the Service's endpoints itself, as the apiserver keeps `default/kubernetes`'s.
// The proxy sends traffic for the ClusterIP to them like any Service's.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace kscratch::dns {

struct KubeDnsTarget {
  std::string cluster_ip = "10.43.0.10";
  std::string address;     // where the DNS server listens (the node IP)
  std::uint16_t port = 53;
  std::string node_name;   // the endpoint's nodeName ("" for none)
};

// The objects as kscratch wants them (pure, for tests).
boost::json::object kube_dns_service(const KubeDnsTarget& target);
boost::json::object kube_dns_endpoints(const KubeDnsTarget& target);
boost::json::object kube_dns_endpoint_slice(const KubeDnsTarget& target);

// Creates what is missing and mends what differs, now and every interval, until cancelled.
// A Service with another ClusterIP is left alone, with a warning (a ClusterIP cannot change).
boost::asio::awaitable<void> maintain_kube_dns(client::Client& client, KubeDnsTarget target,
                                               std::chrono::seconds interval);

}  // namespace kscratch::dns
