// The pod's veth pair and its side of it (see veth.h).

#include "veth.h"

#include "netlink.h"
#include "netns.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <linux/if.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

namespace kscratch::podnetwork {

namespace {

constexpr const char* kPodInterface = "eth0";

}  // namespace

Expected<bool> adopt_host_veth(nl_sock* sock, const std::string& host_name, int bridge_ifindex) {
  auto existing = netlink::get_link(sock, host_name);
  if (!existing) return existing.error();
  if (!*existing) return false;
  rtnl_link* link = existing->value().get();
  if (rtnl_link_get_master(link) != bridge_ifindex || !(rtnl_link_get_flags(link) & IFF_UP)) {
    netlink::Link changes(rtnl_link_alloc());
    rtnl_link_set_master(changes.get(), bridge_ifindex);
    rtnl_link_set_flags(changes.get(), IFF_UP);
    if (int err = rtnl_link_change(sock, link, changes.get(), 0); err < 0) {
      return netlink::nl_error(fmt::format("attach {} to the bridge", host_name), err);
    }
  }
  return true;
}

Status create_veth(nl_sock* sock, const std::string& host_name, int bridge_ifindex, const std::filesystem::path& netns) {
  int nsfd = ::open(netns.c_str(), O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) return make_error(fmt::format("open {}: {}", netns.string(), std::strerror(errno)));
  netlink::Link veth(rtnl_link_veth_alloc());
  if (!veth) {
    ::close(nsfd);
    return make_error("veth: out of memory");
  }
  rtnl_link_set_name(veth.get(), host_name.c_str());
  // Master and up in the same request: one round trip instead of three.
  rtnl_link_set_master(veth.get(), bridge_ifindex);
  rtnl_link_set_flags(veth.get(), IFF_UP);
  {
    netlink::Link peer(rtnl_link_veth_get_peer(veth.get()));
    rtnl_link_set_name(peer.get(), kPodInterface);
    rtnl_link_set_ns_fd(peer.get(), nsfd);
  }
  int err = rtnl_link_add(sock, veth.get(), NLM_F_CREATE | NLM_F_EXCL);
  ::close(nsfd);
  if (err < 0) return netlink::nl_error(fmt::format("create veth {}", host_name), err);
  return Ok{};
}

Status configure_pod_interface(const std::filesystem::path& netns, Ipv4Address address, const Ipv4Cidr& pod_cidr) {
  return run_in_netns(netns, [&]() -> Status {
    auto sock = netlink::connect();
    if (!sock) return sock.error();
    nl_sock* s = sock->get();

    auto lo = netlink::get_link(s, "lo");
    if (!lo) return lo.error();
    if (!*lo) return make_error("no lo in the pod namespace");
    if (auto st = netlink::set_up(s, lo->value().get()); !st) return st;

    auto eth0 = netlink::get_link(s, kPodInterface);
    if (!eth0) return eth0.error();
    if (!*eth0) return make_error(fmt::format("no {} in {}", kPodInterface, netns.string()));
    int ifindex = rtnl_link_get_ifindex(eth0->value().get());
    if (auto st = netlink::set_only_address(s, ifindex, kPodInterface, {address, pod_cidr.prefix}); !st) return st;
    if (auto st = netlink::set_up(s, eth0->value().get()); !st) return st;

    // default via <gateway> dev eth0; replace, so a repeated attach (or a changed
    // gateway) converges instead of failing with "exists".
    netlink::Route route(rtnl_route_alloc());
    rtnl_route_set_family(route.get(), AF_INET);
    rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
    rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
    rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
    rtnl_route_set_type(route.get(), RTN_UNICAST);
    netlink::NlAddr dst = netlink::ipv4(Ipv4Address{0}, 0);
    rtnl_route_set_dst(route.get(), dst.get());
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    netlink::NlAddr gw = netlink::ipv4(pod_cidr.gateway());
    rtnl_route_nh_set_gateway(nh, gw.get());
    rtnl_route_nh_set_ifindex(nh, ifindex);
    rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here
    if (int err = rtnl_route_add(s, route.get(), NLM_F_CREATE | NLM_F_REPLACE); err < 0) {
      return netlink::nl_error(fmt::format("default route via {} in {}", pod_cidr.gateway().to_string(), netns.string()), err);
    }
    return Ok{};
  });
}

}  // namespace kscratch::podnetwork

namespace kscratch::podnetwork {

Status delete_ports_with_prefix(nl_sock* sock, const std::string& prefix, int bridge_ifindex) {
  nl_cache* raw = nullptr;
  if (int err = rtnl_link_alloc_cache(sock, AF_UNSPEC, &raw); err < 0) return netlink::nl_error("list links", err);
  netlink::Cache cache(raw);
  std::vector<std::string> doomed;
  for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
    auto* link = reinterpret_cast<rtnl_link*>(o);
    const char* name = rtnl_link_get_name(link);
    if (name && std::string_view(name).starts_with(prefix) && rtnl_link_get_master(link) == bridge_ifindex) {
      doomed.emplace_back(name);
    }
  }
  for (const auto& name : doomed) {
    if (auto s = netlink::delete_link(sock, name); !s) return s;
  }
  return Ok{};
}

}  // namespace kscratch::podnetwork
