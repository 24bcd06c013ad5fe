// The model into nf_tables messages (see nft_writer.h).

#include "nft_writer.h"

#include "kscratch/netfilter/batch.h"
#include "kscratch/netfilter/read.h"
#include "kscratch/netfilter/rule_builder.h"

#include <fmt/format.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>

namespace kscratch::proxy {

namespace {

using netfilter::Batch;
using netfilter::RuleBuilder;

constexpr std::uint32_t kMasqueradeMark = 0x4000;  // upstream's
// std::string, not char*: error descriptions refer to them after the encoding.
const std::string kServiceIps = "service-ips";
const std::string kServiceNodeports = "service-nodeports";
const std::string kNoEndpointServices = "no-endpoint-services";
const std::string kNoEndpointNodeports = "no-endpoint-nodeports";
// The slot maps, endpoint-ips-NN (slot : ip, the rule has the port) and endpoint-targets-NN
// (slot : ip . port), in kShards shards by chain id. One map for all would be bound by
// 10,000 rules, and the kernel goes through a map's bindings for every element added and
// through its elements for every rule that binds it: quadratic, 20 s for a full sync.
constexpr std::uint32_t kShards = 64;
const std::vector<std::string>& slot_maps(bool with_port) {
  static const auto names = [] {
    std::array<std::vector<std::string>, 2> n;
    for (std::uint32_t i = 0; i < kShards; ++i) {
      n[0].push_back(fmt::format("endpoint-ips-{:02}", i));
      n[1].push_back(fmt::format("endpoint-targets-{:02}", i));
    }
    return n;
  }();
  return names[with_port];
}
const std::string& slot_map(bool with_port, std::uint32_t id) { return slot_maps(with_port)[id % kShards]; }
const std::string kHairpin = "hairpin-endpoints";         // ep . ep
// nft's datatype numbers (for `nft list` to print keys), concatenations 6 bits apart.
constexpr std::uint32_t kTypeIpv4 = 7, kTypeInetProto = 12, kTypeInetService = 13, kTypeMark = 19;
constexpr std::uint32_t kByteorderHost = 1;  // nft's BYTEORDER_HOST_ENDIAN, in a set's user data
constexpr std::uint32_t kMaxSlotId = (std::uint32_t{1} << (32 - kSlotBits)) - 1;
// Elements per NEWSETELEM message (well under the batch's per-message room).
constexpr std::size_t kElementsPerMessage = 200;

struct FixedChain {
  const char* name;
  const char* type;  // nullptr: a regular chain
  std::uint32_t hook;
  int priority;
};
constexpr FixedChain kFixedChains[] = {
    {"nat-prerouting", "nat", NF_INET_PRE_ROUTING, -100},  // dstnat
    {"nat-output", "nat", NF_INET_LOCAL_OUT, -100},
    {"nat-postrouting", "nat", NF_INET_POST_ROUTING, 100},  // srcnat
    {"filter-input", "filter", NF_INET_LOCAL_IN, -110},
    {"filter-forward", "filter", NF_INET_FORWARD, -110},
    {"filter-output", "filter", NF_INET_LOCAL_OUT, -110},
    {"services", nullptr, 0, 0},
    {"masquerading", nullptr, 0, 0},
    {"mark-for-masquerade", nullptr, 0, 0},
    {"service-endpoints-check", nullptr, 0, 0},
    {"nodeport-endpoints-check", nullptr, 0, 0},
    {"reject-chain", nullptr, 0, 0},
};

std::array<std::uint8_t, 4> be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}
std::array<std::uint8_t, 4> native32(std::uint32_t v) {
  std::array<std::uint8_t, 4> b{};
  std::memcpy(b.data(), &v, 4);
  return b;
}

// A key as the kernel holds a concatenation: each part padded to 4 bytes.
std::vector<std::uint8_t> key_bytes(const ElementKey& k, bool with_ip) {
  std::vector<std::uint8_t> b(with_ip ? 12 : 8, 0);
  std::size_t at = 0;
  if (with_ip) {
    auto ip = be32(k.ip);
    std::copy(ip.begin(), ip.end(), b.begin());
    at = 4;
  }
  b[at] = static_cast<std::uint8_t>(k.protocol);
  b[at + 4] = static_cast<std::uint8_t>(k.port >> 8);
  b[at + 5] = static_cast<std::uint8_t>(k.port & 0xff);
  return b;
}

bool map_has_ip(const std::string& map) { return map != kServiceNodeports && map != kNoEndpointNodeports; }

// Elements of the data maps and plain sets: keys and values of at most 8 bytes, kept
// inline (a full sync makes 60,000 of them), described only for an error message.
struct RawElement {
  std::array<std::uint8_t, 8> key{}, data{};
  std::uint8_t key_len = 0, data_len = 0;
  std::string describe() const {
    auto ip = [](const std::uint8_t* b) { return ipv4_string(Ipv4{b[0]} << 24 | Ipv4{b[1]} << 16 | Ipv4{b[2]} << 8 | b[3]); };
    if (key_len == 8) return fmt::format("{{ {} . {} }}", ip(key.data()), ip(key.data() + 4));  // hairpin
    std::uint32_t slot;
    std::memcpy(&slot, key.data(), 4);
    auto text = fmt::format("{{ slot {:#x}", slot);
    if (data_len >= 4) text += " : " + ip(data.data());
    if (data_len == 8) text += fmt::format(" . {}", data[4] << 8 | data[5]);
    return text + " }";
  }
};
RawElement slot_element(std::uint32_t id, std::uint32_t index, const Target* target, bool with_port) {
  RawElement e;
  auto key = native32(id << kSlotBits | index);  // numgen writes its number in host order
  std::copy(key.begin(), key.end(), e.key.begin());
  e.key_len = 4;
  if (target) {
    auto ip = be32(target->ip);
    std::copy(ip.begin(), ip.end(), e.data.begin());
    e.data_len = 4;
    if (with_port) {
      e.data[4] = static_cast<std::uint8_t>(target->port >> 8);
      e.data[5] = static_cast<std::uint8_t>(target->port & 0xff);
      e.data_len = 8;
    }
  }
  return e;
}
RawElement hairpin_element(Ipv4 ip) {
  RawElement e;
  auto b = be32(ip);
  std::copy(b.begin(), b.end(), e.key.begin());
  std::copy(b.begin(), b.end(), e.key.begin() + 4);
  e.key_len = 8;
  return e;
}

class Encoder {
 public:
  Encoder(Batch& batch, const std::string& table, const std::map<std::string, std::uint32_t>& slot_ids)
      : batch_(batch), table_(table), slot_ids_(slot_ids) {}

  void add_table() {
    auto* t = nftnl_table_alloc();
    nftnl_table_set_str(t, NFTNL_TABLE_NAME, table_.c_str());
    nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
    nftnl_table_nlmsg_build_payload(batch_.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table ip " + table_), t);
    batch_.next();
    nftnl_table_free(t);
  }

  // Names are kept by reference for error messages: they must outlive the commit.
  void add_chain(const std::string& name, const FixedChain* base = nullptr) {
    auto* c = chain(name);
    if (base && base->type) {
      nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, base->type);
      nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, base->hook);
      nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, base->priority);
      nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
    }
    nftnl_chain_nlmsg_build_payload(
        batch_.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, Batch::Describe([n = &name] { return "add chain " + *n; })), c);
    batch_.next();
    nftnl_chain_free(c);
  }

  void delete_chain(const std::string& name) {
    auto* c = chain(name);
    nftnl_chain_nlmsg_build_payload(
        batch_.add(NFT_MSG_DELCHAIN, 0, Batch::Describe([n = &name] { return "delete chain " + *n; })), c);
    batch_.next();
    nftnl_chain_free(c);
  }

  // Empty chain: every rule of `chain`, or of the whole table.
  void flush(const std::string* chain_name) {
    auto* r = nftnl_rule_alloc();
    nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table_.c_str());
    nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
    if (chain_name) nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain_name->c_str());
    nftnl_rule_nlmsg_build_payload(batch_.add(NFT_MSG_DELRULE, 0, Batch::Describe([chain_name, t = &table_] {
                                     return chain_name ? "flush chain " + *chain_name : "flush table ip " + *t;
                                   })),
                                   r);
    batch_.next();
    nftnl_rule_free(r);
  }

  void add_map(const std::string& name, bool with_ip) {
    auto* s = set(name);
    nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
    auto type = (kTypeInetProto << 6) | kTypeInetService;
    if (with_ip) type |= kTypeIpv4 << 12;
    nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, type);
    nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, with_ip ? 12 : 8);
    nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
    nftnl_set_set_u32(s, NFTNL_SET_ID, next_set_id_++);
    nftnl_set_nlmsg_build_payload(batch_.add(NFT_MSG_NEWSET, NLM_F_CREATE, "add map " + name), s);
    batch_.next();
    nftnl_set_free(s);
  }

  // A data map (data_len > 0) or a plain set, without flags: a hash the kernel sizes itself.
  void add_data_set(const std::string& name, std::uint32_t key_type, std::uint32_t key_len, std::uint32_t data_type,
                    std::uint32_t data_len) {
    auto* s = set(name);
    if (data_len) {
      nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
      nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, data_type);
      nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, data_len);
    } else {
      nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
    }
    nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
    nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
    nftnl_set_set_u32(s, NFTNL_SET_ID, next_set_id_++);
    if (key_type == kTypeMark) {
      // Slot keys are numgen's numbers, in host order: tell nft, so `nft list` prints them as such.
      auto* udata = nftnl_udata_buf_alloc(64);
      nftnl_udata_put_u32(udata, NFTNL_UDATA_SET_KEYBYTEORDER, kByteorderHost);
      nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(udata), nftnl_udata_buf_len(udata));
      nftnl_udata_buf_free(udata);
    }
    nftnl_set_nlmsg_build_payload(batch_.add(NFT_MSG_NEWSET, NLM_F_CREATE, (data_len ? "add map " : "add set ") + name), s);
    batch_.next();
    nftnl_set_free(s);
  }

  void add_raw_elements(const std::string& name, const std::vector<RawElement>& elements) {
    for (std::size_t i = 0; i < elements.size(); i += kElementsPerMessage) {
      auto* s = set(name);
      std::size_t end = std::min(elements.size(), i + kElementsPerMessage);
      for (std::size_t j = i; j < end; ++j) {
        auto* e = nftnl_set_elem_alloc();
        const auto& el = elements[j];
        nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, el.key.data(), el.key_len);
        if (el.data_len) nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, el.data.data(), el.data_len);
        nftnl_set_elem_add(s, e);
      }
      auto what = [n = &name, e = &elements, i, end] {
        return fmt::format("add {} element(s) to {}, first {}", end - i, *n, (*e)[i].describe());
      };
      nftnl_set_elems_nlmsg_build_payload(batch_.add(NFT_MSG_NEWSETELEM, NLM_F_CREATE, Batch::Describe(what)), s);
      batch_.next();
      nftnl_set_free(s);
    }
  }

  void remove_raw_elements(const std::string& name, const std::vector<RawElement>& elements) {
    for (std::size_t i = 0; i < elements.size(); i += kElementsPerMessage) {
      auto* s = set(name);
      std::size_t end = std::min(elements.size(), i + kElementsPerMessage);
      for (std::size_t j = i; j < end; ++j) {
        auto* e = nftnl_set_elem_alloc();
        nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, elements[j].key.data(), elements[j].key_len);
        nftnl_set_elem_add(s, e);
      }
      auto what = [n = &name, e = &elements, i] { return fmt::format("delete element {} {}", *n, (*e)[i].describe()); };
      nftnl_set_elems_nlmsg_build_payload(batch_.add(NFT_MSG_DELSETELEM, 0, Batch::Describe(what)), s);
      batch_.next();
      nftnl_set_free(s);
    }
  }

  void add_affinity_set(const std::string& name, std::uint32_t timeout_seconds) {
    auto* s = set(name);
    nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT | NFT_SET_EVAL);
    nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, kTypeIpv4);
    nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 4);
    nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, std::uint64_t{timeout_seconds} * 1000);
    nftnl_set_set_u32(s, NFTNL_SET_ID, next_set_id_++);
    nftnl_set_nlmsg_build_payload(batch_.add(NFT_MSG_NEWSET, NLM_F_CREATE, "add set " + name), s);
    batch_.next();
    nftnl_set_free(s);
  }

  void delete_set(const std::string& name) {
    auto* s = set(name);
    nftnl_set_nlmsg_build_payload(batch_.add(NFT_MSG_DELSET, 0, "delete set " + name), s);
    batch_.next();
    nftnl_set_free(s);
  }

  void flush_set(const std::string& name) {
    auto* s = set(name);
    nftnl_set_elems_nlmsg_build_payload(batch_.add(NFT_MSG_DELSETELEM, 0, "flush map " + name), s);
    batch_.next();
    nftnl_set_free(s);
  }

  void add_elements(const std::string& map, const std::vector<std::pair<ElementKey, Verdict>>& elements) {
    for (std::size_t i = 0; i < elements.size(); i += kElementsPerMessage) {
      auto* s = set(map);
      std::size_t end = std::min(elements.size(), i + kElementsPerMessage);
      for (std::size_t j = i; j < end; ++j) {
        const auto& [key, verdict] = elements[j];
        auto* e = nftnl_set_elem_alloc();
        auto bytes = key_bytes(key, map_has_ip(map));
        nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, bytes.data(), static_cast<std::uint32_t>(bytes.size()));
        if (verdict.kind == Verdict::Kind::kDrop) {
          nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, NF_DROP);
        } else {
          nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, static_cast<std::uint32_t>(NFT_GOTO));
          nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, verdict.chain.c_str());
        }
        nftnl_set_elem_add(s, e);
      }
      auto what = [m = &map, e = &elements, i, end] {
        return fmt::format("add {} element(s) to {}, first {{ {} : {} }}", end - i, *m, (*e)[i].first.to_string(),
                           (*e)[i].second.to_string());
      };
      nftnl_set_elems_nlmsg_build_payload(batch_.add(NFT_MSG_NEWSETELEM, NLM_F_CREATE, Batch::Describe(what)), s);
      batch_.next();
      nftnl_set_free(s);
    }
  }

  void remove_elements(const std::string& map, const std::vector<ElementKey>& keys) {
    for (std::size_t i = 0; i < keys.size(); i += kElementsPerMessage) {
      auto* s = set(map);
      std::size_t end = std::min(keys.size(), i + kElementsPerMessage);
      for (std::size_t j = i; j < end; ++j) {
        auto* e = nftnl_set_elem_alloc();
        auto bytes = key_bytes(keys[j], map_has_ip(map));
        nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, bytes.data(), static_cast<std::uint32_t>(bytes.size()));
        nftnl_set_elem_add(s, e);
      }
      auto what = [m = &map, k = &keys, i] { return fmt::format("delete element {} {{ {} }}", *m, (*k)[i].to_string()); };
      nftnl_set_elems_nlmsg_build_payload(batch_.add(NFT_MSG_DELSETELEM, 0, Batch::Describe(what)), s);
      batch_.next();
      nftnl_set_free(s);
    }
  }

  void add_rules(const std::string& chain_name, const std::vector<Rule>& rules) {
    for (const auto& r : rules) add_rule(chain_name, r);
  }

  void add_fixed_rules() {
    auto jump = [&](const char* from, const char* to) {
      RuleBuilder r(table_, from);
      r.verdict(NFT_JUMP, to).append_to(batch_, fmt::format("add rule {} jump {}", from, to));
    };
    jump("nat-prerouting", "services");
    jump("nat-output", "services");
    jump("nat-postrouting", "masquerading");
    // masquerading, first: ct status dnat ip saddr . ip daddr @hairpin-endpoints jump mark-for-masquerade
    // (a pod that reached itself through a service: its reply must come back through the
    // host to be un-NATed, so its source becomes the host's).
    {
      RuleBuilder r(table_, "masquerading");
      r.ct_load(NFT_CT_STATUS, NFT_REG_1)
          .bitwise(NFT_REG_1, NFT_REG_1, native32(IPS_DST_NAT), native32(0))
          .cmp_u32(NFT_REG_1, NFT_CMP_NEQ, 0)
          .payload_load(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG32_00)
          .payload_load(NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG32_01)
          .lookup(NFT_REG32_00, kHairpin, 0, 8)
          .verdict(NFT_JUMP, "mark-for-masquerade")
          .append_to(batch_, "add rule masquerading ct status dnat ip saddr . ip daddr @hairpin-endpoints jump mark-for-masquerade");
    }
    auto ct_new_jump = [&](const char* from, const char* to) {
      RuleBuilder r(table_, from);
      r.ct_load(NFT_CT_STATE, NFT_REG_1)
          .bitwise(NFT_REG_1, NFT_REG_1, native32(NF_CT_STATE_BIT(IP_CT_NEW)), native32(0))
          .cmp_u32(NFT_REG_1, NFT_CMP_NEQ, 0)
          .verdict(NFT_JUMP, to)
          .append_to(batch_, fmt::format("add rule {} ct state new jump {}", from, to));
    };
    ct_new_jump("filter-input", "nodeport-endpoints-check");
    ct_new_jump("filter-input", "service-endpoints-check");
    ct_new_jump("filter-forward", "service-endpoints-check");
    ct_new_jump("filter-output", "service-endpoints-check");

    // services: ip daddr . meta l4proto . th dport vmap @service-ips
    {
      RuleBuilder r(table_, "services");
      daddr_proto_port(r).lookup(NFT_REG32_00, kServiceIps, 0, 12, true, NFT_REG_VERDICT);
      r.append_to(batch_, "add rule services ip daddr . meta l4proto . th dport vmap @service-ips");
    }
    // fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
    {
      RuleBuilder r(table_, "services");
      r.fib(NFTA_FIB_F_DADDR, NFT_FIB_RESULT_ADDRTYPE, NFT_REG_1).cmp_u32(NFT_REG_1, NFT_CMP_EQ, RTN_LOCAL);
      not_loopback_daddr(r);
      proto_port(r).lookup(NFT_REG32_00, kServiceNodeports, 0, 8, true, NFT_REG_VERDICT);
      r.append_to(batch_, "add rule services fib daddr type local ... vmap @service-nodeports");
    }
    {
      RuleBuilder r(table_, "service-endpoints-check");
      daddr_proto_port(r).lookup(NFT_REG32_00, kNoEndpointServices, 0, 12, true, NFT_REG_VERDICT);
      r.append_to(batch_, "add rule service-endpoints-check ... vmap @no-endpoint-services");
    }
    {
      RuleBuilder r(table_, "nodeport-endpoints-check");
      not_loopback_daddr(r);
      proto_port(r).lookup(NFT_REG32_00, kNoEndpointNodeports, 0, 8, true, NFT_REG_VERDICT);
      r.append_to(batch_, "add rule nodeport-endpoints-check ... vmap @no-endpoint-nodeports");
    }
    // mark-for-masquerade: meta mark set meta mark | 0x4000
    {
      RuleBuilder r(table_, "mark-for-masquerade");
      r.meta_load(NFT_META_MARK, NFT_REG_1)
          .bitwise(NFT_REG_1, NFT_REG_1, native32(~kMasqueradeMark), native32(kMasqueradeMark))
          .meta_store(NFT_META_MARK, NFT_REG_1)
          .append_to(batch_, "add rule mark-for-masquerade meta mark set meta mark | 0x4000");
    }
    // masquerading: meta mark & 0x4000 == 0 return; meta mark set meta mark ^ 0x4000; masquerade fully-random
    {
      RuleBuilder r(table_, "masquerading");
      r.meta_load(NFT_META_MARK, NFT_REG_1)
          .bitwise(NFT_REG_1, NFT_REG_1, native32(kMasqueradeMark), native32(0))
          .cmp_u32(NFT_REG_1, NFT_CMP_EQ, 0)
          .verdict(NFT_RETURN)
          .append_to(batch_, "add rule masquerading meta mark & 0x4000 == 0 return");
    }
    {
      RuleBuilder r(table_, "masquerading");
      r.meta_load(NFT_META_MARK, NFT_REG_1)
          .bitwise(NFT_REG_1, NFT_REG_1, native32(0xffffffff), native32(kMasqueradeMark))
          .meta_store(NFT_META_MARK, NFT_REG_1)
          .masq(NF_NAT_RANGE_PROTO_RANDOM_FULLY)
          .append_to(batch_, "add rule masquerading meta mark set meta mark ^ 0x4000 masquerade fully-random");
    }
    // reject-chain: TCP gets a reset, the rest ICMP port unreachable: refused at once.
    {
      RuleBuilder r(table_, "reject-chain");
      std::uint8_t tcp = IPPROTO_TCP;
      r.meta_load(NFT_META_L4PROTO, NFT_REG_1)
          .cmp(NFT_REG_1, NFT_CMP_EQ, std::span<const std::uint8_t>(&tcp, 1))
          .reject(NFT_REJECT_TCP_RST, 0)
          .append_to(batch_, "add rule reject-chain meta l4proto tcp reject with tcp reset");
    }
    {
      RuleBuilder r(table_, "reject-chain");
      r.reject(NFT_REJECT_ICMP_UNREACH, 3 /* ICMP_PORT_UNREACH */).append_to(batch_, "add rule reject-chain reject");
    }
  }

 private:
  nftnl_chain* chain(const std::string& name) {
    auto* c = nftnl_chain_alloc();
    nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table_.c_str());
    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name.c_str());
    nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
    return c;
  }
  nftnl_set* set(const std::string& name) {
    auto* s = nftnl_set_alloc();
    nftnl_set_set_str(s, NFTNL_SET_TABLE, table_.c_str());
    nftnl_set_set_str(s, NFTNL_SET_NAME, name.c_str());
    nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_IPV4);
    return s;
  }

  // ip daddr . meta l4proto . th dport into registers 32_00..02
  RuleBuilder& daddr_proto_port(RuleBuilder& r) {
    r.payload_load(NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG32_00)
        .meta_load(NFT_META_L4PROTO, NFT_REG32_01)
        .payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_02);
    return r;
  }
  RuleBuilder& proto_port(RuleBuilder& r) {
    r.meta_load(NFT_META_L4PROTO, NFT_REG32_00).payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
    return r;
  }
  void not_loopback_daddr(RuleBuilder& r) {
    std::array<std::uint8_t, 4> zero{};
    r.payload_load(NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1)
        .bitwise(NFT_REG_1, NFT_REG_1, be32(0xff000000), zero)
        .cmp(NFT_REG_1, NFT_CMP_NEQ, be32(0x7f000000));
  }
  void saddr_in(RuleBuilder& r, const Rule& rule, std::uint32_t op) {
    std::array<std::uint8_t, 4> zero{};
    Cidr c{rule.ip, rule.prefix};
    r.payload_load(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1)
        .bitwise(NFT_REG_1, NFT_REG_1, be32(c.mask()), zero)
        .cmp(NFT_REG_1, op, be32(rule.ip & c.mask()));
  }
  void saddr_is_local(RuleBuilder& r) {
    r.fib(NFTA_FIB_F_SADDR, NFT_FIB_RESULT_ADDRTYPE, NFT_REG_1).cmp_u32(NFT_REG_1, NFT_CMP_EQ, RTN_LOCAL);
  }

  void add_rule(const std::string& chain_name, const Rule& rule) {
    RuleBuilder r(table_, chain_name);
    const std::string first = rule.chains.empty() ? std::string() : rule.chains[0];
    switch (rule.kind) {
      case Rule::Kind::kMarkIfSaddrNotIn:
        saddr_in(r, rule, NFT_CMP_NEQ);
        r.meta_load(NFT_META_MARK, NFT_REG_1)
            .bitwise(NFT_REG_1, NFT_REG_1, native32(~kMasqueradeMark), native32(kMasqueradeMark))
            .meta_store(NFT_META_MARK, NFT_REG_1);
        break;
      case Rule::Kind::kMark: r.verdict(NFT_JUMP, "mark-for-masquerade"); break;
      case Rule::Kind::kMarkIfLocalSource:
        saddr_is_local(r);
        r.verdict(NFT_JUMP, "mark-for-masquerade");
        break;
      case Rule::Kind::kGotoIfSaddrIn:
        saddr_in(r, rule, NFT_CMP_EQ);
        r.verdict(NFT_GOTO, first);
        break;
      case Rule::Kind::kGotoIfLocalSource:
        saddr_is_local(r);
        r.verdict(NFT_GOTO, first);
        break;
      case Rule::Kind::kAffinityGoto:
        r.payload_load(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1).lookup(NFT_REG_1, rule.set, 0, 4);
        r.verdict(NFT_GOTO, first);
        break;
      case Rule::Kind::kAffinityUpdate:
        r.payload_load(NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1).dynset_update(NFT_REG_1, rule.set, 0);
        break;
      case Rule::Kind::kDnat: {
        auto proto = static_cast<std::uint8_t>(rule.protocol);
        std::array<std::uint8_t, 2> port{static_cast<std::uint8_t>(rule.port >> 8),
                                         static_cast<std::uint8_t>(rule.port & 0xff)};
        r.meta_load(NFT_META_L4PROTO, NFT_REG_1)
            .cmp(NFT_REG_1, NFT_CMP_EQ, std::span<const std::uint8_t>(&proto, 1))
            .immediate(NFT_REG_1, be32(rule.ip))
            .immediate(NFT_REG_2, port)
            .dnat(NFT_REG_1, NFT_REG_2);
        break;
      }
      case Rule::Kind::kDnatSlots: {
        // meta l4proto P dnat to numgen random mod N offset <id> << 12 map @endpoint-ips:port
        // (or map @endpoint-targets, whose values are ip . port)
        auto proto = static_cast<std::uint8_t>(rule.protocol);
        auto id = slot_ids_.at(first);
        r.meta_load(NFT_META_L4PROTO, NFT_REG_1)
            .cmp(NFT_REG_1, NFT_CMP_EQ, std::span<const std::uint8_t>(&proto, 1))
            .numgen_random(NFT_REG_1, rule.modulus, id << kSlotBits)
            .lookup(NFT_REG_1, slot_map(rule.port == 0, id), 0, 4, true, NFT_REG_1);
        if (rule.port) {
          std::array<std::uint8_t, 2> port{static_cast<std::uint8_t>(rule.port >> 8),
                                           static_cast<std::uint8_t>(rule.port & 0xff)};
          r.immediate(NFT_REG_2, port).dnat(NFT_REG_1, NFT_REG_2);
        } else {
          r.dnat(NFT_REG_1, NFT_REG32_01);
        }
        break;
      }
      case Rule::Kind::kNumgen:
        r.numgen_random(NFT_REG_1, rule.modulus).cmp_u32(NFT_REG_1, NFT_CMP_EQ, 0).verdict(NFT_GOTO, first);
        break;
      case Rule::Kind::kGoto: r.verdict(NFT_GOTO, first); break;
      case Rule::Kind::kDrop: r.verdict(NF_DROP); break;
    }
    r.append_to(batch_, Batch::Describe([c = &chain_name, rr = &rule] { return fmt::format("add rule {} {}", *c, rr->to_string()); }));
  }

  Batch& batch_;
  const std::string& table_;
  const std::map<std::string, std::uint32_t>& slot_ids_;
  std::uint32_t next_set_id_ = 1;
};

// The data maps and sets every table has.
void add_data_sets(Encoder& enc) {
  for (const auto& name : slot_maps(false)) enc.add_data_set(name, kTypeMark, 4, kTypeIpv4, 4);
  for (const auto& name : slot_maps(true)) enc.add_data_set(name, kTypeMark, 4, kTypeIpv4 << 6 | kTypeInetService, 8);
  enc.add_data_set(kHairpin, kTypeIpv4 << 6 | kTypeIpv4, 8, 0, 0);
}

std::vector<std::pair<ElementKey, Verdict>> elements_of(const ElementMap& m) { return {m.begin(), m.end()}; }

}  // namespace

Status NftWriter::full_sync(const std::map<std::string, ServiceRules>& all) {
  auto start = std::chrono::steady_clock::now();
  // What the kernel has now, to delete what is no longer wanted.
  auto chains = netfilter::list_chains(table_);
  if (!chains) return chains.error();
  auto sets = netfilter::list_sets(table_);
  if (!sets) return sets.error();

  std::set<std::string> fixed_chains;
  for (const auto& c : kFixedChains) fixed_chains.insert(c.name);
  std::set<std::string> maps = {kServiceIps, kServiceNodeports, kNoEndpointServices, kNoEndpointNodeports, kHairpin};
  for (bool with_port : {false, true}) maps.insert(slot_maps(with_port).begin(), slot_maps(with_port).end());

  // Merge the services' parts; a key claimed twice (two services with one externalIP)
  // goes to the first, as the kernel would refuse the second.
  std::map<std::string, const std::vector<Rule>*> wanted_chains;
  std::map<std::string, std::uint32_t> wanted_sets;
  ElementMap service_ips, service_nodeports, no_endpoint_services, no_endpoint_nodeports;
  // Slot ids and endpoint references start afresh: every chain is rewritten below.
  slot_ids_.clear();
  free_ids_.clear();
  next_id_ = 1;
  endpoint_refs_.clear();
  std::map<const std::string*, std::vector<RawElement>> slot_elements;  // by map
  std::vector<RawElement> hairpins;
  for (const auto& [key, rules] : all) {
    for (const auto& [name, slots] : rules.slots) {
      auto id = allocate_id(name);
      if (!id) return id.error();
      for (std::size_t i = 0; i < slots.targets.size(); ++i) {
        slot_elements[&slot_map(slots.with_port, *id)].push_back(
            slot_element(*id, static_cast<std::uint32_t>(i), &slots.targets[i], slots.with_port));
      }
    }
    for (auto ip : rules.endpoint_ips) {
      if (endpoint_refs_[ip]++ == 0) hairpins.push_back(hairpin_element(ip));
    }
    for (const auto& [name, chain_rules] : rules.chains) wanted_chains[name] = &chain_rules;
    wanted_sets.insert(rules.affinity_sets.begin(), rules.affinity_sets.end());
    service_ips.insert(rules.service_ips.begin(), rules.service_ips.end());
    service_nodeports.insert(rules.service_nodeports.begin(), rules.service_nodeports.end());
    no_endpoint_services.insert(rules.no_endpoint_services.begin(), rules.no_endpoint_services.end());
    no_endpoint_nodeports.insert(rules.no_endpoint_nodeports.begin(), rules.no_endpoint_nodeports.end());
  }

  Batch batch;
  Encoder enc(batch, table_, slot_ids_);
  enc.add_table();
  // Empty every existing chain in one message; the maps next. Both are refilled below,
  // in this same transaction.
  enc.flush(nullptr);
  // The slot maps and the hairpin set are made anew rather than flushed: every rule that
  // binds a map makes the kernel walk the map's elements, flushed ones included (they
  // stay until the commit), which at 10,000 services doubled the kernel's time.
  const std::set<std::string> existing(sets->begin(), sets->end());
  for (bool with_port : {false, true}) {
    for (const auto& m : slot_maps(with_port)) {
      if (existing.count(m)) enc.delete_set(m);
    }
  }
  if (existing.count(kHairpin)) enc.delete_set(kHairpin);
  const std::vector<std::string> fixed_names(fixed_chains.begin(), fixed_chains.end());
  for (const auto& c : kFixedChains) enc.add_chain(*std::find(fixed_names.begin(), fixed_names.end(), c.name), &c);
  const std::vector<std::string> verdict_maps = {kServiceIps, kServiceNodeports, kNoEndpointServices, kNoEndpointNodeports};
  for (const auto& m : verdict_maps) enc.add_map(m, map_has_ip(m));
  add_data_sets(enc);
  for (const auto& m : verdict_maps) enc.flush_set(m);
  for (const auto& [name, timeout] : wanted_sets) enc.add_affinity_set(name, timeout);
  for (const auto& [name, rules] : wanted_chains) enc.add_chain(name);
  for (const auto& name : *chains) {
    if (!fixed_chains.count(name) && !wanted_chains.count(name)) enc.delete_chain(name);
  }
  for (const auto& name : *sets) {
    if (!maps.count(name) && !wanted_sets.count(name)) enc.delete_set(name);
  }
  enc.add_fixed_rules();
  for (const auto& [name, rules] : wanted_chains) enc.add_rules(name, *rules);
  // Named: the error descriptions refer to them until the commit.
  const auto ips = elements_of(service_ips), nodeports = elements_of(service_nodeports),
             no_ips = elements_of(no_endpoint_services), no_nodeports = elements_of(no_endpoint_nodeports);
  enc.add_elements(kServiceIps, ips);
  enc.add_elements(kServiceNodeports, nodeports);
  enc.add_elements(kNoEndpointServices, no_ips);
  enc.add_elements(kNoEndpointNodeports, no_nodeports);
  for (const auto& [map, elements] : slot_elements) enc.add_raw_elements(*map, elements);
  enc.add_raw_elements(kHairpin, hairpins);
  last_messages_ = batch.size();
  auto encoded = std::chrono::steady_clock::now();
  auto s = batch.commit();
  last_encode_ms_ = std::chrono::duration<double, std::milli>(encoded - start).count();
  last_commit_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - encoded).count();
  if (!s) return make_error(fmt::format("table ip {}: {}", table_, s.error().message));
  return Ok{};
}

Expected<std::uint32_t> NftWriter::allocate_id(const std::string& chain) {
  if (auto it = slot_ids_.find(chain); it != slot_ids_.end()) return it->second;
  std::uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else if (next_id_ <= kMaxSlotId) {
    id = next_id_++;
  } else {
    return make_error(fmt::format("more than {} load-balancing chains", kMaxSlotId));
  }
  slot_ids_[chain] = id;
  return id;
}

Status NftWriter::apply(const std::vector<Change>& changes) {
  // Slot ids for the picks that are new; those of picks that go are freed once committed.
  std::vector<std::string> freed;
  for (const auto& c : changes) {
    for (const auto& [name, slots] : c.after->slots) {
      if (auto id = allocate_id(name); !id) return id.error();
    }
    for (const auto& [name, slots] : c.before->slots) {
      if (!c.after->slots.count(name)) freed.push_back(name);
    }
  }
  // Endpoints shared by several services are in hairpin-endpoints once: count references,
  // then add the addresses that gained their first and remove those that lost their last.
  std::map<Ipv4, std::int64_t> delta;
  for (const auto& c : changes) {
    for (auto ip : c.diff.added_endpoint_ips) ++delta[ip];
    for (auto ip : c.diff.removed_endpoint_ips) --delta[ip];
  }
  std::vector<RawElement> hairpin_add, hairpin_remove;
  for (const auto& [ip, d] : delta) {
    if (d == 0) continue;
    auto it = endpoint_refs_.find(ip);
    std::int64_t before = it == endpoint_refs_.end() ? 0 : it->second;
    if (before == 0 && before + d > 0) hairpin_add.push_back(hairpin_element(ip));
    if (before > 0 && before + d <= 0) hairpin_remove.push_back(hairpin_element(ip));
  }
  std::map<const std::string*, std::vector<RawElement>> slots_add, slots_remove;  // by map
  for (const auto& c : changes) {
    for (const auto& r : c.diff.remove_slots) {
      auto id = slot_ids_.at(r.chain);
      slots_remove[&slot_map(r.with_port, id)].push_back(slot_element(id, r.index, nullptr, r.with_port));
    }
    for (const auto& a : c.diff.add_slots) {
      auto id = slot_ids_.at(a.chain);
      slots_add[&slot_map(a.with_port, id)].push_back(slot_element(id, a.index, &a.target, a.with_port));
    }
  }

  Batch batch;
  Encoder enc(batch, table_, slot_ids_);
  for (const auto& c : changes) {
    for (const auto& [name, timeout] : c.diff.added_sets) enc.add_affinity_set(name, timeout);
    for (const auto& name : c.diff.added_chains) enc.add_chain(name);
  }
  for (const auto& c : changes) {
    for (const auto& name : c.diff.changed_chains) enc.flush(&name);
    for (const auto& name : c.diff.removed_chains) enc.flush(&name);
    enc.remove_elements(kServiceIps, c.diff.service_ips.remove);
    enc.remove_elements(kServiceNodeports, c.diff.service_nodeports.remove);
    enc.remove_elements(kNoEndpointServices, c.diff.no_endpoint_services.remove);
    enc.remove_elements(kNoEndpointNodeports, c.diff.no_endpoint_nodeports.remove);
  }
  for (const auto& [map, elements] : slots_remove) enc.remove_raw_elements(*map, elements);
  enc.remove_raw_elements(kHairpin, hairpin_remove);
  for (const auto& c : changes) {
    for (const auto& name : c.diff.added_chains) enc.add_rules(name, c.after->chains.at(name));
    for (const auto& name : c.diff.changed_chains) enc.add_rules(name, c.after->chains.at(name));
    enc.add_elements(kServiceIps, c.diff.service_ips.add);
    enc.add_elements(kServiceNodeports, c.diff.service_nodeports.add);
    enc.add_elements(kNoEndpointServices, c.diff.no_endpoint_services.add);
    enc.add_elements(kNoEndpointNodeports, c.diff.no_endpoint_nodeports.add);
  }
  for (const auto& [map, elements] : slots_add) enc.add_raw_elements(*map, elements);
  enc.add_raw_elements(kHairpin, hairpin_add);
  for (const auto& c : changes) {
    for (const auto& name : c.diff.removed_chains) enc.delete_chain(name);
    for (const auto& name : c.diff.removed_sets) enc.delete_set(name);
  }
  last_messages_ = batch.size();
  if (batch.empty()) return Ok{};
  if (auto s = batch.commit(); !s) return make_error(fmt::format("table ip {}: {}", table_, s.error().message));
  for (const auto& [ip, d] : delta) {
    auto& refs = endpoint_refs_[ip];
    refs += d;
    if (refs <= 0) endpoint_refs_.erase(ip);
  }
  for (const auto& name : freed) {
    free_ids_.push_back(slot_ids_.at(name));
    slot_ids_.erase(name);
  }
  return Ok{};
}

std::string NftWriter::slot_map_name(bool with_port, std::uint32_t slot) {
  return slot_map(with_port, slot >> kSlotBits);
}

Status NftWriter::delete_table(const std::string& table) {
  Batch batch;
  auto* t = nftnl_table_alloc();
  nftnl_table_set_str(t, NFTNL_TABLE_NAME, table.c_str());
  nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, "add table ip " + table), t);
  batch.next();
  nftnl_table_nlmsg_build_payload(batch.add(NFT_MSG_DELTABLE, 0, "delete table ip " + table), t);
  batch.next();
  nftnl_table_free(t);
  return batch.commit();
}

}  // namespace kscratch::proxy
