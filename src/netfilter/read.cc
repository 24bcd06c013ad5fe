// Reading tables back (see read.h): one request, then libnftnl parses each answer.

#include "kscratch/netfilter/read.h"

#include "netlink_socket.h"

#include <fmt/format.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace kscratch::netfilter {

namespace {

// Sends one request built by `build` and calls `each` for every answer. ENOENT (no
// such table, chain or set) is reported through `missing` when given, an error otherwise.
Status request(std::uint16_t type, std::uint16_t flags, const std::function<void(nlmsghdr*)>& build,
               const std::function<void(const nlmsghdr*)>& each, bool* missing = nullptr) {
  auto sock = NetlinkSocket::open();
  if (!sock) return sock.error();
  std::vector<char> buf(8192);
  auto* nlh = nftnl_nlmsg_build_hdr(buf.data(), type, NFPROTO_IPV4, flags | NLM_F_ACK,
                                    static_cast<std::uint32_t>(std::time(nullptr)));
  build(nlh);
  if (auto s = sock->send(buf.data(), nlh->nlmsg_len); !s) return s;
  int error_code = 0;
  if (auto s = sock->read_until_done(each, error_code); !s) return s;
  if (error_code == ENOENT && missing) {
    *missing = true;
    return Ok{};
  }
  if (error_code != 0) return make_error(fmt::format("nftables: {}", std::strerror(error_code)));
  if (missing) *missing = false;
  return Ok{};
}

template <class T, void (*Free)(const T*)>
struct Owned {
  T* p;
  ~Owned() { Free(p); }
};

SetElement element_of(nftnl_set_elem* e) {
  SetElement out;
  std::uint32_t len = 0;
  if (auto* key = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len))) {
    out.key.assign(key, key + len);
  }
  if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT)) {
    out.verdict = static_cast<std::int32_t>(nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT));
  }
  if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_CHAIN)) out.chain = nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN);
  len = 0;
  if (!out.verdict && nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_DATA)) {
    if (auto* data = static_cast<const std::uint8_t*>(nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &len))) {
      out.data.assign(data, data + len);
    }
  }
  return out;
}

}  // namespace

Expected<bool> table_exists(const std::string& table) {
  bool missing = false;
  auto s = request(
      NFT_MSG_GETTABLE, 0,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_table, nftnl_table_free> t{nftnl_table_alloc()};
        nftnl_table_set_str(t.p, NFTNL_TABLE_NAME, table.c_str());
        nftnl_table_nlmsg_build_payload(nlh, t.p);
      },
      [](const nlmsghdr*) {}, &missing);
  if (!s) return make_error(fmt::format("get table ip {}: {}", table, s.error().message));
  return !missing;
}

Expected<std::vector<std::string>> list_chains(const std::string& table) {
  std::vector<std::string> names;
  bool missing = false;
  auto s = request(
      NFT_MSG_GETCHAIN, NLM_F_DUMP,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_chain, nftnl_chain_free> c{nftnl_chain_alloc()};
        nftnl_chain_set_str(c.p, NFTNL_CHAIN_TABLE, table.c_str());
        nftnl_chain_nlmsg_build_payload(nlh, c.p);
      },
      [&](const nlmsghdr* nlh) {
        Owned<nftnl_chain, nftnl_chain_free> c{nftnl_chain_alloc()};
        if (nftnl_chain_nlmsg_parse(nlh, c.p) < 0) return;
        // Older kernels ignore the table filter of a dump: keep ours only.
        const char* t = nftnl_chain_get_str(c.p, NFTNL_CHAIN_TABLE);
        if (!t || table != t || nftnl_chain_get_u32(c.p, NFTNL_CHAIN_FAMILY) != NFPROTO_IPV4) return;
        names.emplace_back(nftnl_chain_get_str(c.p, NFTNL_CHAIN_NAME));
      },
      &missing);
  if (!s) return make_error(fmt::format("list chains of table ip {}: {}", table, s.error().message));
  return names;
}

Expected<bool> chain_exists(const std::string& table, const std::string& chain) {
  bool missing = false;
  auto s = request(
      NFT_MSG_GETCHAIN, 0,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_chain, nftnl_chain_free> c{nftnl_chain_alloc()};
        nftnl_chain_set_str(c.p, NFTNL_CHAIN_TABLE, table.c_str());
        nftnl_chain_set_str(c.p, NFTNL_CHAIN_NAME, chain.c_str());
        nftnl_chain_nlmsg_build_payload(nlh, c.p);
      },
      [](const nlmsghdr*) {}, &missing);
  if (!s) return make_error(fmt::format("get chain {} of table ip {}: {}", chain, table, s.error().message));
  return !missing;
}

Expected<std::vector<std::string>> list_sets(const std::string& table) {
  std::vector<std::string> names;
  bool missing = false;
  auto s = request(
      NFT_MSG_GETSET, NLM_F_DUMP,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_set, nftnl_set_free> set{nftnl_set_alloc()};
        nftnl_set_set_str(set.p, NFTNL_SET_TABLE, table.c_str());
        nftnl_set_nlmsg_build_payload(nlh, set.p);
      },
      [&](const nlmsghdr* nlh) {
        Owned<nftnl_set, nftnl_set_free> set{nftnl_set_alloc()};
        if (nftnl_set_nlmsg_parse(nlh, set.p) < 0) return;
        const char* t = nftnl_set_get_str(set.p, NFTNL_SET_TABLE);
        if (!t || table != t) return;
        if (nftnl_set_get_u32(set.p, NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS) return;
        names.emplace_back(nftnl_set_get_str(set.p, NFTNL_SET_NAME));
      },
      &missing);
  if (!s) return make_error(fmt::format("list sets of table ip {}: {}", table, s.error().message));
  return names;
}

Expected<std::vector<SetElement>> list_set_elements(const std::string& table, const std::string& set_name) {
  std::vector<SetElement> elements;
  bool missing = false;
  auto s = request(
      NFT_MSG_GETSETELEM, NLM_F_DUMP,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_set, nftnl_set_free> set{nftnl_set_alloc()};
        nftnl_set_set_str(set.p, NFTNL_SET_TABLE, table.c_str());
        nftnl_set_set_str(set.p, NFTNL_SET_NAME, set_name.c_str());
        nftnl_set_elems_nlmsg_build_payload(nlh, set.p);
      },
      [&](const nlmsghdr* nlh) {
        Owned<nftnl_set, nftnl_set_free> set{nftnl_set_alloc()};
        if (nftnl_set_elems_nlmsg_parse(nlh, set.p) < 0) return;
        auto* it = nftnl_set_elems_iter_create(set.p);
        if (!it) return;
        for (auto* e = nftnl_set_elems_iter_next(it); e; e = nftnl_set_elems_iter_next(it)) {
          elements.push_back(element_of(e));
        }
        nftnl_set_elems_iter_destroy(it);
      },
      &missing);
  if (!s) return make_error(fmt::format("list elements of set {} in table ip {}: {}", set_name, table, s.error().message));
  if (missing) return make_error(fmt::format("set {} in table ip {} does not exist", set_name, table));
  return elements;
}

Expected<std::vector<SetElement>> get_set_elements(const std::string& table, const std::string& set_name,
                                                   const std::vector<std::vector<std::uint8_t>>& keys) {
  std::vector<SetElement> found;
  bool missing = false;
  auto s = request(
      NFT_MSG_GETSETELEM, 0,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_set, nftnl_set_free> set{nftnl_set_alloc()};
        nftnl_set_set_str(set.p, NFTNL_SET_TABLE, table.c_str());
        nftnl_set_set_str(set.p, NFTNL_SET_NAME, set_name.c_str());
        for (const auto& key : keys) {
          auto* e = nftnl_set_elem_alloc();
          nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key.data(), static_cast<std::uint32_t>(key.size()));
          nftnl_set_elem_add(set.p, e);
        }
        nftnl_set_elems_nlmsg_build_payload(nlh, set.p);
      },
      [&](const nlmsghdr* nlh) {
        Owned<nftnl_set, nftnl_set_free> set{nftnl_set_alloc()};
        if (nftnl_set_elems_nlmsg_parse(nlh, set.p) < 0) return;
        auto* it = nftnl_set_elems_iter_create(set.p);
        if (!it) return;
        for (auto* e = nftnl_set_elems_iter_next(it); e; e = nftnl_set_elems_iter_next(it)) found.push_back(element_of(e));
        nftnl_set_elems_iter_destroy(it);
      },
      &missing);
  // ENOENT: no such element (or set); the caller polls until it appears.
  if (!s) return make_error(fmt::format("get elements of set {} in table ip {}: {}", set_name, table, s.error().message));
  if (missing) found.clear();
  return found;
}

Expected<std::optional<SetElement>> get_set_element(const std::string& table, const std::string& set_name,
                                                    const std::vector<std::uint8_t>& key) {
  auto found = get_set_elements(table, set_name, {key});
  if (!found) return found.error();
  if (found->empty()) return std::optional<SetElement>();
  return std::optional<SetElement>(std::move(found->front()));
}

Expected<std::size_t> count_rules(const std::string& table, const std::string& chain) {
  std::size_t count = 0;
  bool missing = false;
  auto s = request(
      NFT_MSG_GETRULE, NLM_F_DUMP,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_rule, nftnl_rule_free> r{nftnl_rule_alloc()};
        nftnl_rule_set_str(r.p, NFTNL_RULE_TABLE, table.c_str());
        nftnl_rule_set_str(r.p, NFTNL_RULE_CHAIN, chain.c_str());
        nftnl_rule_nlmsg_build_payload(nlh, r.p);
      },
      [&](const nlmsghdr* nlh) {
        Owned<nftnl_rule, nftnl_rule_free> r{nftnl_rule_alloc()};
        if (nftnl_rule_nlmsg_parse(nlh, r.p) < 0) return;
        const char* c = nftnl_rule_get_str(r.p, NFTNL_RULE_CHAIN);
        const char* t = nftnl_rule_get_str(r.p, NFTNL_RULE_TABLE);
        if (c && t && chain == c && table == t) ++count;
      },
      &missing);
  if (!s) return make_error(fmt::format("list rules of chain {} in table ip {}: {}", chain, table, s.error().message));
  if (missing) return make_error(fmt::format("chain {} in table ip {} does not exist", chain, table));
  return count;
}

Expected<std::vector<std::uint32_t>> numgen_offsets(const std::string& table, const std::string& chain) {
  std::vector<std::uint32_t> offsets;
  bool missing = false;
  auto s = request(
      NFT_MSG_GETRULE, NLM_F_DUMP,
      [&](nlmsghdr* nlh) {
        Owned<nftnl_rule, nftnl_rule_free> r{nftnl_rule_alloc()};
        nftnl_rule_set_str(r.p, NFTNL_RULE_TABLE, table.c_str());
        nftnl_rule_set_str(r.p, NFTNL_RULE_CHAIN, chain.c_str());
        nftnl_rule_nlmsg_build_payload(nlh, r.p);
      },
      [&](const nlmsghdr* nlh) {
        Owned<nftnl_rule, nftnl_rule_free> r{nftnl_rule_alloc()};
        if (nftnl_rule_nlmsg_parse(nlh, r.p) < 0) return;
        const char* c = nftnl_rule_get_str(r.p, NFTNL_RULE_CHAIN);
        const char* t = nftnl_rule_get_str(r.p, NFTNL_RULE_TABLE);
        if (!c || !t || chain != c || table != t) return;
        auto* it = nftnl_expr_iter_create(r.p);
        if (!it) return;
        for (auto* e = nftnl_expr_iter_next(it); e; e = nftnl_expr_iter_next(it)) {
          const char* name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
          if (name && std::strcmp(name, "numgen") == 0) offsets.push_back(nftnl_expr_get_u32(e, NFTNL_EXPR_NG_OFFSET));
        }
        nftnl_expr_iter_destroy(it);
      },
      &missing);
  if (!s) return make_error(fmt::format("list rules of chain {} in table ip {}: {}", chain, table, s.error().message));
  if (missing) return make_error(fmt::format("chain {} in table ip {} does not exist", chain, table));
  return offsets;
}

}  // namespace kscratch::netfilter
