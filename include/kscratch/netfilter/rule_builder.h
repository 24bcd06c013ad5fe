#pragma once
// A rule's expressions, one call each, encoded with libnftnl: the nft bytecode that
// `nft -d netlink` prints (payload, cmp, lookup, ...). Registers, keys and operators are
// the kernel's constants from <linux/netfilter/nf_tables.h>.
//
//   RuleBuilder r(table, "nat-postrouting");
//   r.meta_load(NFT_META_MARK, NFT_REG_1).bitwise(...).cmp(...).masq();
//   r.append_to(batch, "masquerade marked packets");

#include "kscratch/netfilter/batch.h"

#include <cstdint>
#include <span>
#include <string>

struct nftnl_rule;

namespace kscratch::netfilter {

class RuleBuilder {
 public:
  RuleBuilder(const std::string& table, const std::string& chain, std::uint8_t family = 2);
  ~RuleBuilder();
  RuleBuilder(const RuleBuilder&) = delete;
  RuleBuilder& operator=(const RuleBuilder&) = delete;

  // Loads `len` bytes at `offset` of a header (NFT_PAYLOAD_NETWORK_HEADER, ..._TRANSPORT_HEADER).
  RuleBuilder& payload_load(std::uint32_t base, std::uint32_t offset, std::uint32_t len, std::uint32_t dreg);
  RuleBuilder& meta_load(std::uint32_t key, std::uint32_t dreg);
  RuleBuilder& meta_store(std::uint32_t key, std::uint32_t sreg);
  RuleBuilder& ct_load(std::uint32_t key, std::uint32_t dreg);
  // fib (NFTA_FIB_F_*) with result NFT_FIB_RESULT_*.
  RuleBuilder& fib(std::uint32_t flags, std::uint32_t result, std::uint32_t dreg);
  RuleBuilder& cmp(std::uint32_t sreg, std::uint32_t op, std::span<const std::uint8_t> data);
  RuleBuilder& cmp_u32(std::uint32_t sreg, std::uint32_t op, std::uint32_t host_value);  // native byte order
  RuleBuilder& bitwise(std::uint32_t sreg, std::uint32_t dreg, std::span<const std::uint8_t> mask,
                       std::span<const std::uint8_t> xor_);
  // A set lookup: a match without dreg, a map lookup with one (NFT_REG_VERDICT for a vmap).
  RuleBuilder& lookup(std::uint32_t sreg, const std::string& set, std::uint32_t set_id, std::uint32_t len,
                      bool has_dreg = false, std::uint32_t dreg = 0);
  // `update @set { key }` with the set's own timeout.
  RuleBuilder& dynset_update(std::uint32_t sreg_key, const std::string& set, std::uint32_t set_id);
  RuleBuilder& numgen_random(std::uint32_t dreg, std::uint32_t modulus, std::uint32_t offset = 0);
  RuleBuilder& immediate(std::uint32_t dreg, std::span<const std::uint8_t> data);
  // NF_ACCEPT, NF_DROP, NFT_RETURN, or NFT_JUMP / NFT_GOTO with a chain.
  RuleBuilder& verdict(int code, const std::string& chain = {});
  // dnat to the address in reg_addr and port in reg_port (reg_port 0: no port).
  RuleBuilder& dnat(std::uint32_t reg_addr, std::uint32_t reg_port);
  RuleBuilder& masq(std::uint32_t flags = 0);
  // NFT_REJECT_TCP_RST, or NFT_REJECT_ICMP_UNREACH with an ICMP code.
  RuleBuilder& reject(std::uint32_t type, std::uint8_t code);
  RuleBuilder& counter();

  // Appends the rule to its chain in the batch.
  void append_to(Batch& batch, std::string what);
  void append_to(Batch& batch, Batch::Describe what);

 private:
  void add(const char* name, void* expr);
  nftnl_rule* rule_;
};

}  // namespace kscratch::netfilter
