// libnl-route helpers (see netlink.h).

#include "netlink.h"

#include <fmt/format.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace kscratch::podnetwork::netlink {

Error nl_error(const std::string& what, int code) {
  return make_error(fmt::format("{}: {}", what, nl_geterror(code)));
}

Expected<Socket> connect() {
  Socket sock(nl_socket_alloc());
  if (!sock) return make_error("netlink: out of memory");
  if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0) return nl_error("netlink connect", err);
  return sock;
}

std::optional<Ipv4Address> to_ipv4(nl_addr* a) {
  if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) return std::nullopt;
  const auto* b = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(a));
  return Ipv4Address{(std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3]};
}

NlAddr ipv4(Ipv4Address address, int prefix) {
  auto bytes = address.bytes();
  NlAddr a(nl_addr_build(AF_INET, bytes.data(), bytes.size()));
  if (a) nl_addr_set_prefixlen(a.get(), prefix);
  return a;
}

Expected<std::optional<Link>> get_link(nl_sock* sock, const std::string& name) {
  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(sock, 0, name.c_str(), &raw);
  if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND) return std::optional<Link>();
  if (err < 0) return nl_error(fmt::format("get link {}", name), err);
  return std::optional<Link>(Link(raw));
}

Status set_up(nl_sock* sock, rtnl_link* link) {
  if (rtnl_link_get_flags(link) & IFF_UP) return Ok{};
  Link changes(rtnl_link_alloc());
  rtnl_link_set_flags(changes.get(), IFF_UP);
  if (int err = rtnl_link_change(sock, link, changes.get(), 0); err < 0) {
    return nl_error(fmt::format("set {} up", rtnl_link_get_name(link)), err);
  }
  return Ok{};
}

Status enable_hairpin(nl_sock* sock, const std::string& port) {
  auto link = get_link(sock, port);
  if (!link) return link.error();
  if (!*link) return make_error("hairpin on " + port + ": no such link");
  int ifindex = rtnl_link_get_ifindex(link->value().get());
  std::unique_ptr<nl_msg, void (*)(nl_msg*)> msg(nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK), nlmsg_free);
  if (!msg) return make_error("hairpin on " + port + ": out of memory");
  ifinfomsg ifi{};
  ifi.ifi_family = AF_BRIDGE;
  ifi.ifi_index = ifindex;
  nlattr* protinfo = nullptr;
  if (nlmsg_append(msg.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0 ||
      !(protinfo = nla_nest_start(msg.get(), IFLA_PROTINFO | NLA_F_NESTED)) ||
      nla_put_u8(msg.get(), IFLA_BRPORT_MODE, 1) < 0 || nla_nest_end(msg.get(), protinfo) < 0) {
    return make_error("hairpin on " + port + ": message too large");
  }
  if (int err = nl_send_sync(sock, msg.release()); err < 0) return nl_error("hairpin on " + port, err);
  return Ok{};
}

Status delete_link(nl_sock* sock, const std::string& name) {
  Link link(rtnl_link_alloc());
  rtnl_link_set_name(link.get(), name.c_str());
  int err = rtnl_link_delete(sock, link.get());
  if (err < 0 && err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND) {
    return nl_error(fmt::format("delete link {}", name), err);
  }
  return Ok{};
}

namespace {

Expected<Cache> address_cache(nl_sock* sock) {
  nl_cache* raw = nullptr;
  if (int err = rtnl_addr_alloc_cache(sock, &raw); err < 0) return nl_error("list addresses", err);
  return Cache(raw);
}

}  // namespace

Expected<std::vector<InterfaceAddress>> addresses(nl_sock* sock, int ifindex) {
  auto cache = address_cache(sock);
  if (!cache) return cache.error();
  std::vector<InterfaceAddress> result;
  for (nl_object* o = nl_cache_get_first(cache->get()); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != AF_INET) continue;
    if (auto local = to_ipv4(rtnl_addr_get_local(a))) {
      result.push_back(InterfaceAddress{*local, rtnl_addr_get_prefixlen(a)});
    }
  }
  return result;
}

Status set_only_address(nl_sock* sock, int ifindex, const std::string& link_name, InterfaceAddress wanted) {
  auto current = addresses(sock, ifindex);
  if (!current) return current.error();
  bool present = false;
  for (const auto& c : *current) {
    if (c.address == wanted.address && c.prefix == wanted.prefix) {
      present = true;
      continue;
    }
    // Another address: left from an earlier pod CIDR, or added by hand. The link is
    // ours, so it goes.
    Addr del(rtnl_addr_alloc());
    rtnl_addr_set_ifindex(del.get(), ifindex);
    rtnl_addr_set_family(del.get(), AF_INET);
    NlAddr local = ipv4(c.address, c.prefix);
    rtnl_addr_set_local(del.get(), local.get());
    rtnl_addr_set_prefixlen(del.get(), c.prefix);
    if (int err = rtnl_addr_delete(sock, del.get(), 0); err < 0 && err != -NLE_NOADDR) {
      return nl_error(fmt::format("delete address {}/{} from {}", c.address.to_string(), c.prefix, link_name), err);
    }
  }
  if (present) return Ok{};
  Addr add(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(add.get(), ifindex);
  rtnl_addr_set_family(add.get(), AF_INET);
  NlAddr local = ipv4(wanted.address, wanted.prefix);
  rtnl_addr_set_local(add.get(), local.get());
  rtnl_addr_set_prefixlen(add.get(), wanted.prefix);
  // The broadcast address, as `ip addr add ... brd +` would set it.
  Ipv4Cidr range{Ipv4Address{wanted.address.value}, wanted.prefix};
  range.network.value &= range.mask();
  if (wanted.prefix < 31) {
    NlAddr brd = ipv4(range.broadcast());
    rtnl_addr_set_broadcast(add.get(), brd.get());
  }
  if (int err = rtnl_addr_add(sock, add.get(), 0); err < 0 && err != -NLE_EXIST) {
    return nl_error(fmt::format("add address {}/{} to {}", wanted.address.to_string(), wanted.prefix, link_name), err);
  }
  return Ok{};
}

Expected<bool> is_local_address(nl_sock* sock, Ipv4Address address) {
  auto cache = address_cache(sock);
  if (!cache) return cache.error();
  for (nl_object* o = nl_cache_get_first(cache->get()); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_family(a) != AF_INET) continue;
    if (auto local = to_ipv4(rtnl_addr_get_local(a)); local && *local == address) return true;
  }
  return false;
}

}  // namespace kscratch::podnetwork::netlink
