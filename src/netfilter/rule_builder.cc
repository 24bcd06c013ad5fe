// libnftnl expressions, one helper each (see rule_builder.h).

#include "kscratch/netfilter/rule_builder.h"

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <cstring>

namespace kscratch::netfilter {

RuleBuilder::RuleBuilder(const std::string& table, const std::string& chain, std::uint8_t family)
    : rule_(nftnl_rule_alloc()) {
  nftnl_rule_set_str(rule_, NFTNL_RULE_TABLE, table.c_str());
  nftnl_rule_set_str(rule_, NFTNL_RULE_CHAIN, chain.c_str());
  nftnl_rule_set_u32(rule_, NFTNL_RULE_FAMILY, family);
}

RuleBuilder::~RuleBuilder() { nftnl_rule_free(rule_); }

void RuleBuilder::add(const char*, void* expr) { nftnl_rule_add_expr(rule_, static_cast<nftnl_expr*>(expr)); }

RuleBuilder& RuleBuilder::payload_load(std::uint32_t base, std::uint32_t offset, std::uint32_t len, std::uint32_t dreg) {
  auto* e = nftnl_expr_alloc("payload");
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
  add("payload", e);
  return *this;
}

RuleBuilder& RuleBuilder::meta_load(std::uint32_t key, std::uint32_t dreg) {
  auto* e = nftnl_expr_alloc("meta");
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
  add("meta", e);
  return *this;
}

RuleBuilder& RuleBuilder::meta_store(std::uint32_t key, std::uint32_t sreg) {
  auto* e = nftnl_expr_alloc("meta");
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, sreg);
  add("meta", e);
  return *this;
}

RuleBuilder& RuleBuilder::ct_load(std::uint32_t key, std::uint32_t dreg) {
  auto* e = nftnl_expr_alloc("ct");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
  add("ct", e);
  return *this;
}

RuleBuilder& RuleBuilder::fib(std::uint32_t flags, std::uint32_t result, std::uint32_t dreg) {
  auto* e = nftnl_expr_alloc("fib");
  nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, flags);
  nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, result);
  nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, dreg);
  add("fib", e);
  return *this;
}

RuleBuilder& RuleBuilder::cmp(std::uint32_t sreg, std::uint32_t op, std::span<const std::uint8_t> data) {
  auto* e = nftnl_expr_alloc("cmp");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data.data(), static_cast<std::uint32_t>(data.size()));
  add("cmp", e);
  return *this;
}

RuleBuilder& RuleBuilder::cmp_u32(std::uint32_t sreg, std::uint32_t op, std::uint32_t host_value) {
  std::uint8_t bytes[4];
  std::memcpy(bytes, &host_value, 4);
  return cmp(sreg, op, bytes);
}

RuleBuilder& RuleBuilder::bitwise(std::uint32_t sreg, std::uint32_t dreg, std::span<const std::uint8_t> mask,
                                  std::span<const std::uint8_t> xor_) {
  auto* e = nftnl_expr_alloc("bitwise");
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, sreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, dreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, static_cast<std::uint32_t>(mask.size()));
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask.data(), static_cast<std::uint32_t>(mask.size()));
  nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor_.data(), static_cast<std::uint32_t>(xor_.size()));
  add("bitwise", e);
  return *this;
}

RuleBuilder& RuleBuilder::lookup(std::uint32_t sreg, const std::string& set, std::uint32_t set_id, std::uint32_t,
                                 bool has_dreg, std::uint32_t dreg) {
  auto* e = nftnl_expr_alloc("lookup");
  nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
  if (has_dreg) nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, dreg);
  nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set.c_str());
  if (set_id) nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
  add("lookup", e);
  return *this;
}

RuleBuilder& RuleBuilder::dynset_update(std::uint32_t sreg_key, const std::string& set, std::uint32_t set_id) {
  auto* e = nftnl_expr_alloc("dynset");
  nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, sreg_key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
  nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set.c_str());
  if (set_id) nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SET_ID, set_id);
  add("dynset", e);
  return *this;
}

RuleBuilder& RuleBuilder::numgen_random(std::uint32_t dreg, std::uint32_t modulus, std::uint32_t offset) {
  auto* e = nftnl_expr_alloc("numgen");
  nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, dreg);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, modulus);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, NFT_NG_RANDOM);
  if (offset) nftnl_expr_set_u32(e, NFTNL_EXPR_NG_OFFSET, offset);
  add("numgen", e);
  return *this;
}

RuleBuilder& RuleBuilder::immediate(std::uint32_t dreg, std::span<const std::uint8_t> data) {
  auto* e = nftnl_expr_alloc("immediate");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, dreg);
  nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data.data(), static_cast<std::uint32_t>(data.size()));
  add("immediate", e);
  return *this;
}

RuleBuilder& RuleBuilder::verdict(int code, const std::string& chain) {
  auto* e = nftnl_expr_alloc("immediate");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, static_cast<std::uint32_t>(code));
  if (!chain.empty()) nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain.c_str());
  add("immediate", e);
  return *this;
}

RuleBuilder& RuleBuilder::dnat(std::uint32_t reg_addr, std::uint32_t reg_port) {
  auto* e = nftnl_expr_alloc("nat");
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
  nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg_addr);
  if (reg_port) nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, reg_port);
  add("nat", e);
  return *this;
}

RuleBuilder& RuleBuilder::masq(std::uint32_t flags) {
  auto* e = nftnl_expr_alloc("masq");
  if (flags) nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_FLAGS, flags);
  add("masq", e);
  return *this;
}

RuleBuilder& RuleBuilder::reject(std::uint32_t type, std::uint8_t code) {
  auto* e = nftnl_expr_alloc("reject");
  nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
  nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
  add("reject", e);
  return *this;
}

RuleBuilder& RuleBuilder::counter() {
  add("counter", nftnl_expr_alloc("counter"));
  return *this;
}

void RuleBuilder::append_to(Batch& batch, std::string what) {
  append_to(batch, Batch::Describe([what = std::move(what)] { return what; }));
}

void RuleBuilder::append_to(Batch& batch, Batch::Describe what) {
  nftnl_rule_nlmsg_build_payload(batch.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, std::move(what)), rule_);
  batch.next();
}

}  // namespace kscratch::netfilter
