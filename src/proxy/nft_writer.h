#pragma once
// Writes the rule model into the kernel: one nf_tables table (family ip) owned by the
// proxy, changed only in whole transactions (netfilter::Batch), so packets always see
// either the old rules or the new ones.
//
// The fixed part, as upstream's nftables mode:
//   nat-prerouting (dstnat) and nat-output (-100): jump services
//   services: ip daddr . meta l4proto . th dport vmap @service-ips
//             fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
//   nat-postrouting (srcnat): jump masquerading (masquerade what carries mark 0x4000, and
//             DNATed packets whose saddr . daddr is in hairpin-endpoints)
//   endpoint-ips, endpoint-targets: the data maps the service chains' random picks look
//             their endpoints up in (see model.h)
//   filter-input/forward/output (-110): ct state new: vmap @no-endpoint-services,
//             and on input @no-endpoint-nodeports; reject-chain answers TCP with a reset,
//             others with ICMP port unreachable.

#include "model.h"

#include "kscratch/util/expected.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kscratch::proxy {

class NftWriter {
 public:
  explicit NftWriter(std::string table) : table_(std::move(table)) {}

  // Reconciles the whole table with `all` in one transaction: the table, fixed chains
  // and maps are created if missing (never deleted, so traffic to unchanged services
  // flows throughout), every service chain is rewritten, the maps refilled, and chains
  // and sets the model no longer has are deleted.
  Status full_sync(const std::map<std::string, ServiceRules>& all);

  // One transaction for the changes of several services (before -> after each).
  struct Change {
    const ServiceRules* before;
    const ServiceRules* after;
    RulesDiff diff;
  };
  Status apply(const std::vector<Change>& changes);

  // The map holding a slot (a chain's numgen offset + i): endpoint-ips-NN, or
  // endpoint-targets-NN when the values are ip . port.
  static std::string slot_map_name(bool with_port, std::uint32_t slot);

  // Deletes the table (a missing table is fine).
  static Status delete_table(const std::string& table);

  const std::string& table() const { return table_; }
  // Size of the last transaction, for logs.
  std::size_t last_messages() const { return last_messages_; }
  // Of the last full sync: reading the kernel's chains and sets and encoding the
  // messages, then the kernel's transaction.
  double last_encode_ms() const { return last_encode_ms_; }
  double last_commit_ms() const { return last_commit_ms_; }

 private:
  Expected<std::uint32_t> allocate_id(const std::string& chain);

  std::string table_;
  // Which slots of endpoint-ips / endpoint-targets each load-balancing chain owns
  // (id << kSlotBits | i), and how many services send to each endpoint address.
  std::map<std::string, std::uint32_t> slot_ids_;
  std::vector<std::uint32_t> free_ids_;
  std::uint32_t next_id_ = 1;
  std::map<Ipv4, std::int64_t> endpoint_refs_;
  std::size_t last_messages_ = 0;
  double last_encode_ms_ = 0, last_commit_ms_ = 0;
};

}  // namespace kscratch::proxy
