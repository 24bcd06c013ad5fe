#pragma once
// The node's masquerade rule, in an nftables table of its own (family ip):
//
//   table ip <name> {
//     chain postrouting {
//       type nat hook postrouting priority srcnat; policy accept;
//       ip saddr <pod CIDR> ip daddr != <cluster CIDR> masquerade
//     }
//   }
//
// Pod-to-pod traffic (inside the cluster CIDR) keeps its addresses. Written with
// libnftnl over a libnl socket (kscratch_netfilter), the whole table replaced in one transaction.

#include "cidr.h"
#include "kscratch/util/expected.h"

#include <string>

namespace kscratch::podnetwork {

Status apply_masquerade(const std::string& table, const Ipv4Cidr& pod_cidr, const Ipv4Cidr& cluster_cidr);
// Deletes the table; a missing table is fine.
Status delete_masquerade(const std::string& table);

}  // namespace kscratch::podnetwork
