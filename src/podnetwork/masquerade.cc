// The masquerade table through nf_tables netlink (see masquerade.h), written with the
// shared netfilter layer.

#include "masquerade.h"

#include "kscratch/netfilter/batch.h"
#include "kscratch/netfilter/rule_builder.h"

#include <fmt/format.h>
#include <libnftnl/chain.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <array>
#include <memory>

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

std::unique_ptr<nftnl_table, TableDeleter> make_table(const std::string& name) {
  std::unique_ptr<nftnl_table, TableDeleter> t(nftnl_table_alloc());
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, name.c_str());
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  return t;
}

// "delete table if it exists" in a transaction: adding an existing table is a no-op,
// so add-then-delete always succeeds and always leaves no table.
void delete_table_if_exists(netfilter::Batch& batch, const std::string& name) {
  auto t = make_table(name);
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table " + name), t.get());
  batch.next();
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_DELTABLE, 0, "delete table " + name), t.get());
  batch.next();
}

// Loads 4 bytes of the IPv4 header at `offset` (12: source, 16: destination) into
// register 1, masks it to the range's prefix and compares it with the range's network.
void match_range(netfilter::RuleBuilder& rule, std::uint32_t offset, const Ipv4Cidr& range, std::uint32_t op) {
  auto mask = Ipv4Address{range.mask()}.bytes();
  std::array<std::uint8_t, 4> zero{};
  rule.payload_load(NFT_PAYLOAD_NETWORK_HEADER, offset, 4, NFT_REG_1)
      .bitwise(NFT_REG_1, NFT_REG_1, mask, zero)
      .cmp(NFT_REG_1, op, range.network.bytes());
}

}  // namespace

Status apply_masquerade(const std::string& table, const Ipv4Cidr& pod_cidr, const Ipv4Cidr& cluster_cidr) {
  netfilter::Batch batch;
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

  netfilter::RuleBuilder rule(table, kChain);
  match_range(rule, 12, pod_cidr, NFT_CMP_EQ);
  match_range(rule, 16, cluster_cidr, NFT_CMP_NEQ);
  rule.masq();
  rule.append_to(batch, fmt::format("add rule ip saddr {} ip daddr != {} masquerade", pod_cidr.to_string(),
                                    cluster_cidr.to_string()));

  if (auto s = batch.commit(); !s) return make_error(fmt::format("table ip {}: {}", table, s.error().message));
  return Ok{};
}

Status delete_masquerade(const std::string& table) {
  netfilter::Batch batch;
  delete_table_if_exists(batch, table);
  if (auto s = batch.commit(); !s) return make_error(fmt::format("delete table ip {}: {}", table, s.error().message));
  return Ok{};
}

}  // namespace kscratch::podnetwork
