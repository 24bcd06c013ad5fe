#pragma once
// Where names outside the cluster zone are sent: the host's resolvers, from its
// /etc/resolv.conf (what CoreDNS's `forward . /etc/resolv.conf` does in k3s), less those
// that would send the query back to kscratch itself.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::dns {

struct Upstream {
  std::string address;
  std::uint16_t port = 53;
  bool operator==(const Upstream&) const = default;
};

// The `nameserver` lines of a resolv.conf, in order.
std::vector<std::string> nameservers_of(const std::string& resolv_conf);

// "1.2.3.4", "1.2.3.4:5353", "[::1]:53" or "::1"; nullopt when it is none of these.
std::optional<Upstream> parse_upstream(const std::string& text);

// The nameservers to forward to: not the cluster DNS address (whose traffic the proxy
// sends to kscratch), and not kscratch's own listening address and port, nor loopback
// when kscratch listens on every address: any of those would loop.
std::vector<Upstream> usable_upstreams(const std::vector<std::string>& nameservers, const std::string& cluster_dns,
                                       const std::string& listen_address, std::uint16_t listen_port);

}  // namespace kscratch::dns
