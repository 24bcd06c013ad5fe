#pragma once
// Routes to other nodes' pod CIDRs via those nodes' addresses (flannel's host-gw). Our
// routes carry a protocol number of their own, so we only ever change routes we added.

#include "cidr.h"
#include "kscratch/podnetwork/podnetwork.h"
#include "kscratch/util/expected.h"

#include <netlink/socket.h>

#include <cstdint>
#include <vector>

namespace kscratch::podnetwork {

// The route protocol kscratch marks its routes with (0x4b, 'K'; unassigned in
// /etc/iproute2/rt_protos), shown by `ip route` as "proto 75".
inline constexpr std::uint8_t kRouteProtocol = 0x4b;

struct HostRoute {
  Ipv4Cidr destination;
  Ipv4Address via;
  friend bool operator==(const HostRoute&, const HostRoute&) = default;
};

// Our routes (protocol kRouteProtocol, main table) whose destination is inside `scope`.
Expected<std::vector<HostRoute>> list_our_routes(nl_sock* sock, const Ipv4Cidr& scope);
// Adds and replaces routes so that ours inside `scope` are exactly `wanted`. A route
// whose destination is taken by a route that is not ours is reported, not replaced.
Status sync_host_routes(nl_sock* sock, const Ipv4Cidr& scope, const std::vector<HostRoute>& wanted);

}  // namespace kscratch::podnetwork
