// The node bridge (see bridge.h).

#include "bridge.h"

#include "names.h"
#include "netlink.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>
#include <linux/if.h>
#include <sys/socket.h>

#include <cstring>

namespace kscratch::podnetwork {

namespace {

bool same_mac(rtnl_link* link, const std::array<std::uint8_t, 6>& mac) {
  nl_addr* a = rtnl_link_get_addr(link);
  return a && nl_addr_get_len(a) == mac.size() && std::memcmp(nl_addr_get_binary_addr(a), mac.data(), mac.size()) == 0;
}

}  // namespace

Expected<int> ensure_bridge(nl_sock* sock, const std::string& name, const Ipv4Cidr& pod_cidr) {
  auto mac = bridge_mac(name);
  netlink::NlAddr mac_addr(nl_addr_build(AF_LLC, mac.data(), mac.size()));

  auto existing = netlink::get_link(sock, name);
  if (!existing) return existing.error();
  if (!*existing) {
    netlink::Link link(rtnl_link_alloc());
    if (int err = rtnl_link_set_type(link.get(), "bridge"); err < 0) return netlink::nl_error("bridge type", err);
    rtnl_link_set_name(link.get(), name.c_str());
    // Set at creation, the address is "set" rather than "inherited": the kernel then
    // keeps it when ports come and go.
    rtnl_link_set_addr(link.get(), mac_addr.get());
    rtnl_link_set_flags(link.get(), IFF_UP);
    int err = rtnl_link_add(sock, link.get(), NLM_F_CREATE | NLM_F_EXCL);
    if (err < 0 && err != -NLE_EXIST) return netlink::nl_error(fmt::format("create bridge {}", name), err);
    log::info("podnetwork", "created bridge {} mac={}", name, format_mac(mac));
    existing = netlink::get_link(sock, name);
    if (!existing) return existing.error();
    if (!*existing) return make_error(fmt::format("bridge {} vanished after creation", name));
  }
  rtnl_link* link = existing->value().get();
  const char* type = rtnl_link_get_type(link);
  if (!type || std::strcmp(type, "bridge") != 0) {
    return make_error(fmt::format("link {} exists and is not a bridge (type {})", name, type ? type : "none"));
  }
  if (!same_mac(link, mac) || !(rtnl_link_get_flags(link) & IFF_UP)) {
    netlink::Link changes(rtnl_link_alloc());
    rtnl_link_set_addr(changes.get(), mac_addr.get());
    rtnl_link_set_flags(changes.get(), IFF_UP);
    if (int err = rtnl_link_change(sock, link, changes.get(), 0); err < 0) {
      return netlink::nl_error(fmt::format("set bridge {} mac and up", name), err);
    }
  }
  int ifindex = rtnl_link_get_ifindex(link);
  if (auto s = netlink::set_only_address(sock, ifindex, name, {pod_cidr.gateway(), pod_cidr.prefix}); !s) {
    return s.error();
  }
  return ifindex;
}

}  // namespace kscratch::podnetwork
