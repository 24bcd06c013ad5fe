#pragma once
// Small RAII wrappers over libnl-route objects, and the link, address and route
// operations the pod network builds on. Each function does one short netlink exchange
// (well under a millisecond); callers open a socket per operation, in whatever network
// namespace their thread is in.

#include "cidr.h"
#include "kscratch/util/expected.h"

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::podnetwork::netlink {

struct SocketDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct LinkDeleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrDeleter {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RouteDeleter {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct NlAddrDeleter {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using Socket = std::unique_ptr<nl_sock, SocketDeleter>;
using Link = std::unique_ptr<rtnl_link, LinkDeleter>;
using Addr = std::unique_ptr<rtnl_addr, AddrDeleter>;
using Route = std::unique_ptr<rtnl_route, RouteDeleter>;
using NlAddr = std::unique_ptr<nl_addr, NlAddrDeleter>;
using Cache = std::unique_ptr<nl_cache, CacheDeleter>;

// "what: libnl's message" for a negative libnl return code.
Error nl_error(const std::string& what, int code);

// A NETLINK_ROUTE socket in the calling thread's network namespace.
Expected<Socket> connect();

NlAddr ipv4(Ipv4Address address, int prefix = 32);
// The IPv4 address in `a`, or nullopt when it is not one.
std::optional<Ipv4Address> to_ipv4(nl_addr* a);

// The link with this name, or nullopt when there is none.
Expected<std::optional<Link>> get_link(nl_sock* sock, const std::string& name);
// Sets IFF_UP (a no-op when it already is).
Status set_up(nl_sock* sock, rtnl_link* link);
// Deletes the link with this name; a missing link is fine.
Status delete_link(nl_sock* sock, const std::string& name);
// hairpin_mode on a bridge port (IFLA_BRPORT_MODE, as `bridge link set dev X hairpin on`):
// a pod reaching itself through a service address gets its packets back through the port
// they came in on. Netlink, not /sys/class/net: sysfs shows the namespace it was mounted
// in, which need not be this thread's.
Status enable_hairpin(nl_sock* sock, const std::string& port);

struct InterfaceAddress {
  Ipv4Address address;
  int prefix = 0;
};
// The IPv4 addresses on a link.
Expected<std::vector<InterfaceAddress>> addresses(nl_sock* sock, int ifindex);
// Makes `wanted` the only IPv4 address on the link.
Status set_only_address(nl_sock* sock, int ifindex, const std::string& link_name, InterfaceAddress wanted);
// Whether any link in this namespace has this address.
Expected<bool> is_local_address(nl_sock* sock, Ipv4Address address);

}  // namespace kscratch::podnetwork::netlink
