// The masquerade table through nf_tables netlink (see masquerade.h).

#include "masquerade.h"

#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <vector>

namespace kscratch::podnetwork {

namespace {

constexpr const char* kChain = "postrouting";
// NF_IP_PRI_NAT_SRC, which nft calls "srcnat".
constexpr int kSrcNatPriority = 100;

struct TableDeleter {
  void operator()(nftnl_table* t) const { nftnl_table_free(t); }
};
struct ChainDeleter {
  void operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
};
struct RuleDeleter {
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
};
struct SocketDeleter {
  void operator()(mnl_socket* s) const { mnl_socket_close(s); }
};

// One nf_tables transaction: messages between a batch begin and a batch end, each
// asking for an acknowledgement, sent in one sendmsg. The kernel applies all of them
// or none.
class Batch {
 public:
  Batch() : buffer_(1 << 16), seq_(static_cast<std::uint32_t>(std::time(nullptr))) {
    batch_ = mnl_nlmsg_batch_start(buffer_.data(), buffer_.size());
    nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch_)), seq_++);
    mnl_nlmsg_batch_next(batch_);
  }
  ~Batch() { mnl_nlmsg_batch_stop(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Starts a message; the caller fills in its payload.
  nlmsghdr* add(std::uint16_t type, std::uint16_t flags, std::string what) {
    std::uint32_t seq = seq_++;
    what_[seq] = std::move(what);
    return nftnl_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch_)), type, NFPROTO_IPV4,
                                 flags | NLM_F_ACK, seq);
  }
  void next() { mnl_nlmsg_batch_next(batch_); }

  Status commit() {
    nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch_)), seq_++);
    mnl_nlmsg_batch_next(batch_);

    std::unique_ptr<mnl_socket, SocketDeleter> sock(mnl_socket_open(NETLINK_NETFILTER));
    if (!sock) return make_error(fmt::format("nftables: open netlink socket: {}", std::strerror(errno)));
    if (mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
      return make_error(fmt::format("nftables: bind netlink socket: {}", std::strerror(errno)));
    }
    if (mnl_socket_sendto(sock.get(), mnl_nlmsg_batch_head(batch_), mnl_nlmsg_batch_size(batch_)) < 0) {
      return make_error(fmt::format("nftables: send: {}", std::strerror(errno)));
    }
    // The kernel handles the whole batch inside sendmsg, so every acknowledgement is
    // already queued: read until the socket is empty (as nft does), keeping the first
    // error. Waiting for more would only wait for nothing.
    std::vector<char> reply(MNL_SOCKET_BUFFER_SIZE);
    std::string first_error;
    int fd = mnl_socket_get_fd(sock.get());
    for (;;) {
      pollfd pfd{fd, POLLIN, 0};
      int ready = ::poll(&pfd, 1, 0);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      ssize_t n = mnl_socket_recvfrom(sock.get(), reply.data(), reply.size());
      if (n < 0) return make_error(fmt::format("nftables: receive: {}", std::strerror(errno)));
      int len = static_cast<int>(n);
      for (auto* nlh = reinterpret_cast<nlmsghdr*>(reply.data()); mnl_nlmsg_ok(nlh, len);
           nlh = mnl_nlmsg_next(nlh, &len)) {
        if (nlh->nlmsg_type != NLMSG_ERROR) continue;
        auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
        if (err->error == 0 || !first_error.empty()) continue;
        auto what = what_.find(nlh->nlmsg_seq);
        first_error = fmt::format("{}: {}", what == what_.end() ? "nftables" : what->second, std::strerror(-err->error));
      }
    }
    if (!first_error.empty()) return make_error("nftables transaction failed: " + first_error);
    return Ok{};
  }

 private:
  std::vector<char> buffer_;
  mnl_nlmsg_batch* batch_ = nullptr;
  std::uint32_t seq_;
  std::map<std::uint32_t, std::string> what_;
};

std::unique_ptr<nftnl_table, TableDeleter> make_table(const std::string& name) {
  std::unique_ptr<nftnl_table, TableDeleter> t(nftnl_table_alloc());
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, name.c_str());
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  return t;
}

// "delete table if it exists" in a transaction: adding an existing table is a no-op,
// so add-then-delete always succeeds and always leaves no table.
void delete_table_if_exists(Batch& batch, const std::string& name) {
  auto t = make_table(name);
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table " + name), t.get());
  batch.next();
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_DELTABLE, 0, "delete table " + name), t.get());
  batch.next();
}

void add_expr(nftnl_rule* rule, nftnl_expr* expr) { nftnl_rule_add_expr(rule, expr); }

// Loads 4 bytes of the IPv4 header at `offset` (12: source, 16: destination) into
// register 1, masks it to the range's prefix and compares it with the range's network.
void match_range(nftnl_rule* rule, std::uint32_t offset, const Ipv4Cidr& range, std::uint32_t op) {
  nftnl_expr* load = nftnl_expr_alloc("payload");
  nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
  nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
  nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_LEN, 4);
  add_expr(rule, load);

  auto mask = Ipv4Address{range.mask()}.bytes();
  std::array<std::uint8_t, 4> zero{};
  nftnl_expr* bitwise = nftnl_expr_alloc("bitwise");
  nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
  nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
  nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_LEN, 4);
  nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_MASK, mask.data(), mask.size());
  nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_XOR, zero.data(), zero.size());
  add_expr(rule, bitwise);

  auto network = range.network.bytes();
  nftnl_expr* cmp = nftnl_expr_alloc("cmp");
  nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set(cmp, NFTNL_EXPR_CMP_DATA, network.data(), network.size());
  add_expr(rule, cmp);
}

}  // namespace

Status apply_masquerade(const std::string& table, const Ipv4Cidr& pod_cidr, const Ipv4Cidr& cluster_cidr) {
  Batch batch;
  delete_table_if_exists(batch, table);

  auto t = make_table(table);
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table " + table), t.get());
  batch.next();

  std::unique_ptr<nftnl_chain, ChainDeleter> chain(nftnl_chain_alloc());
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, table.c_str());
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, kChain);
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
  nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TYPE, "nat");
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
  nftnl_chain_set_s32(chain.get(), NFTNL_CHAIN_PRIO, kSrcNatPriority);
  nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_POLICY, NF_ACCEPT);
  nftnl_chain_nlmsg_build_payload(batch.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, "add chain postrouting"), chain.get());
  batch.next();

  std::unique_ptr<nftnl_rule, RuleDeleter> rule(nftnl_rule_alloc());
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, table.c_str());
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, kChain);
  nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  match_range(rule.get(), 12, pod_cidr, NFT_CMP_EQ);
  match_range(rule.get(), 16, cluster_cidr, NFT_CMP_NEQ);
  add_expr(rule.get(), nftnl_expr_alloc("masq"));
  nftnl_rule_nlmsg_build_payload(
      batch.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
                fmt::format("add rule ip saddr {} ip daddr != {} masquerade", pod_cidr.to_string(), cluster_cidr.to_string())),
      rule.get());
  batch.next();

  if (auto s = batch.commit(); !s) return make_error(fmt::format("table ip {}: {}", table, s.error().message));
  return Ok{};
}

Status delete_masquerade(const std::string& table) {
  Batch batch;
  delete_table_if_exists(batch, table);
  if (auto s = batch.commit(); !s) return make_error(fmt::format("delete table ip {}: {}", table, s.error().message));
  return Ok{};
}

}  // namespace kscratch::podnetwork
