#pragma once
// Reading nf_tables state back from the kernel over netlink (libnl socket, libnftnl's
// *_nlmsg_parse): what the proxy's full resync reconciles against and what the proxy
// benchmark and tests check. Tables are family ip.

#include "kscratch/util/expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::netfilter {

// Whether the table exists.
Expected<bool> table_exists(const std::string& table);
// Names of the table's chains (empty when the table does not exist).
Expected<std::vector<std::string>> list_chains(const std::string& table);
// Whether one chain exists (one GETCHAIN, not a dump: cheap to poll).
Expected<bool> chain_exists(const std::string& table, const std::string& chain);
// Names of the table's named sets and maps (anonymous ones are left out).
Expected<std::vector<std::string>> list_sets(const std::string& table);

struct SetElement {
  std::vector<std::uint8_t> key;  // as the kernel holds it (concatenations padded to 4 bytes)
  std::optional<std::string> chain;  // for verdict maps: the jump or goto target
  std::optional<std::int32_t> verdict;  // for verdict maps: NF_DROP, NF_ACCEPT, NFT_JUMP, NFT_GOTO...
  std::vector<std::uint8_t> data;       // for data maps: the value, as the kernel holds it
};
Expected<std::vector<SetElement>> list_set_elements(const std::string& table, const std::string& set);
// Elements by key, in one GETSETELEM (not a dump: cheap to poll). Empty when one of them
// is absent (the kernel stops at the first it does not have).
Expected<std::vector<SetElement>> get_set_elements(const std::string& table, const std::string& set,
                                                   const std::vector<std::vector<std::uint8_t>>& keys);
// One element by its key; nullopt when absent.
Expected<std::optional<SetElement>> get_set_element(const std::string& table, const std::string& set,
                                                    const std::vector<std::uint8_t>& key);

// Number of rules in a chain.
Expected<std::size_t> count_rules(const std::string& table, const std::string& chain);
// The offsets of the chain's `numgen` expressions, in rule order.
Expected<std::vector<std::uint32_t>> numgen_offsets(const std::string& table, const std::string& chain);

}  // namespace kscratch::netfilter
