// UDP conntrack clean-up with libnl-nf (see conntrack.h).

#include "kscratch/netfilter/conntrack.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/socket.h>

#include <cstring>
#include <memory>
#include <set>

namespace kscratch::netfilter {

namespace {
struct SocketDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};

// The IPv4 address of an nl_addr, or 0.
std::uint32_t ipv4_of(nl_addr* a) {
  if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) return 0;
  std::uint32_t v = 0;
  std::memcpy(&v, nl_addr_get_binary_addr(a), 4);
  return v;
}
}  // namespace

Expected<int> delete_udp_flows_to(const std::vector<std::string>& endpoint_ips) {
  std::set<std::uint32_t> targets;
  for (const auto& ip : endpoint_ips) {
    in_addr a{};
    if (::inet_pton(AF_INET, ip.c_str(), &a) != 1) return make_error(fmt::format("conntrack: bad address '{}'", ip));
    targets.insert(a.s_addr);
  }
  if (targets.empty()) return 0;

  std::unique_ptr<nl_sock, SocketDeleter> sock(nl_socket_alloc());
  if (!sock) return make_error("conntrack: cannot allocate a netlink socket");
  if (int err = nfnl_connect(sock.get()); err < 0) return make_error(fmt::format("conntrack: connect: {}", nl_geterror(err)));
  nl_cache* raw = nullptr;
  if (int err = nfnl_ct_alloc_cache(sock.get(), &raw); err < 0) {
    return make_error(fmt::format("conntrack: dump: {}", nl_geterror(err)));
  }
  std::unique_ptr<nl_cache, CacheDeleter> cache(raw);
  int deleted = 0;
  for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
    auto* ct = reinterpret_cast<nfnl_ct*>(o);
    if (nfnl_ct_get_family(ct) != AF_INET || nfnl_ct_get_proto(ct) != IPPROTO_UDP) continue;
    // DNATed to the endpoint: the reply comes from it, the original went elsewhere.
    std::uint32_t reply_src = ipv4_of(nfnl_ct_get_src(ct, 1));
    std::uint32_t orig_dst = ipv4_of(nfnl_ct_get_dst(ct, 0));
    if (!targets.count(reply_src) || reply_src == orig_dst) continue;
    if (nfnl_ct_del(sock.get(), ct, 0) >= 0) ++deleted;
  }
  return deleted;
}

}  // namespace kscratch::netfilter
