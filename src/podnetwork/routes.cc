// host-gw routes (see routes.h).

#include "routes.h"

#include "netlink.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>
#include <netlink/route/nexthop.h>
#include <sys/socket.h>

#include <algorithm>

namespace kscratch::podnetwork {

namespace {

struct Listed {
  HostRoute route;
  bool ours = false;
};

// Every main-table IPv4 route with a destination (our own, and any other whose
// destination we might collide with).
Expected<std::vector<Listed>> list_main_routes(nl_sock* sock) {
  nl_cache* raw = nullptr;
  if (int err = rtnl_route_alloc_cache(sock, AF_INET, 0, &raw); err < 0) return netlink::nl_error("list routes", err);
  netlink::Cache cache(raw);
  std::vector<Listed> result;
  for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST) continue;
    nl_addr* dst = rtnl_route_get_dst(r);
    Listed listed;
    listed.ours = rtnl_route_get_protocol(r) == kRouteProtocol;
    if (dst && nl_addr_get_len(dst) == 4) {
      listed.route.destination.network = *netlink::to_ipv4(dst);
      listed.route.destination.prefix = static_cast<int>(nl_addr_get_prefixlen(dst));
    } else {
      listed.route.destination = Ipv4Cidr{};  // default route
    }
    if (rtnl_route_get_nnexthops(r) > 0) {
      if (auto gw = netlink::to_ipv4(rtnl_route_nh_get_gateway(rtnl_route_nexthop_n(r, 0)))) listed.route.via = *gw;
    }
    result.push_back(listed);
  }
  return result;
}

Status change_route(nl_sock* sock, const HostRoute& route, bool add, int flags) {
  netlink::Route r(rtnl_route_alloc());
  rtnl_route_set_family(r.get(), AF_INET);
  rtnl_route_set_table(r.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(r.get(), kRouteProtocol);
  rtnl_route_set_scope(r.get(), RT_SCOPE_UNIVERSE);
  rtnl_route_set_type(r.get(), RTN_UNICAST);
  netlink::NlAddr dst = netlink::ipv4(route.destination.network, route.destination.prefix);
  rtnl_route_set_dst(r.get(), dst.get());
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  netlink::NlAddr gw = netlink::ipv4(route.via);
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_add_nexthop(r.get(), nh);
  int err = add ? rtnl_route_add(sock, r.get(), flags) : rtnl_route_delete(sock, r.get(), 0);
  if (err < 0 && !(!add && err == -NLE_OBJ_NOTFOUND)) {
    return netlink::nl_error(fmt::format("{} route {} via {}", add ? "add" : "delete", route.destination.to_string(),
                                         route.via.to_string()),
                             err);
  }
  return Ok{};
}

}  // namespace

Expected<std::vector<HostRoute>> list_our_routes(nl_sock* sock, const Ipv4Cidr& scope) {
  auto all = list_main_routes(sock);
  if (!all) return all.error();
  std::vector<HostRoute> ours;
  for (const auto& l : *all) {
    if (l.ours && scope.contains(l.route.destination)) ours.push_back(l.route);
  }
  return ours;
}

Status sync_host_routes(nl_sock* sock, const Ipv4Cidr& scope, const std::vector<HostRoute>& wanted) {
  auto all = list_main_routes(sock);
  if (!all) return all.error();
  std::vector<std::string> errors;
  // Stale first: a route that moved to another gateway is replaced below anyway, but a
  // destination that is gone must not linger.
  for (const auto& l : *all) {
    if (!l.ours || !scope.contains(l.route.destination)) continue;
    bool still = std::any_of(wanted.begin(), wanted.end(),
                             [&](const HostRoute& w) { return w.destination == l.route.destination; });
    if (still) continue;
    if (auto s = change_route(sock, l.route, false, 0); !s) {
      errors.push_back(s.error().message);
    } else {
      log::info("podnetwork", "deleted route {} via {}", l.route.destination.to_string(), l.route.via.to_string());
    }
  }
  for (const auto& w : wanted) {
    auto same_dst = [&](const Listed& l) { return l.route.destination == w.destination; };
    auto ours = std::find_if(all->begin(), all->end(), [&](const Listed& l) { return l.ours && same_dst(l); });
    if (ours != all->end() && ours->route.via == w.via) continue;
    auto foreign = std::find_if(all->begin(), all->end(), [&](const Listed& l) { return !l.ours && same_dst(l); });
    if (foreign != all->end()) {
      errors.push_back(fmt::format("route {} via {}: the destination has a route kscratch did not add",
                                   w.destination.to_string(), w.via.to_string()));
      continue;
    }
    // Ours with another gateway is replaced in place; a new one must not exist yet.
    int flags = NLM_F_CREATE | (ours != all->end() ? NLM_F_REPLACE : NLM_F_EXCL);
    if (auto s = change_route(sock, w, true, flags); !s) {
      errors.push_back(s.error().message);
    } else {
      log::info("podnetwork", "route {} via {}", w.destination.to_string(), w.via.to_string());
    }
  }
  if (errors.empty()) return Ok{};
  std::string message = errors.front();
  for (std::size_t i = 1; i < errors.size(); ++i) message += "; " + errors[i];
  return make_error(message);
}

}  // namespace kscratch::podnetwork
