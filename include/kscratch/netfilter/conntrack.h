#pragma once
// Conntrack clean-up through netlink (libnl-nf): when a UDP endpoint goes away, its
// flows must be forgotten, or clients keep sending to the dead address until their
// conntrack entry times out (UDP has no connection to break). As upstream kube-proxy's
// conntrack.ClearEntriesForIP.

#include "kscratch/util/expected.h"

#include <string>
#include <vector>

namespace kscratch::netfilter {

// Deletes UDP conntrack entries that were DNATed to one of `endpoint_ips` (dotted quad);
// returns how many were deleted.
Expected<int> delete_udp_flows_to(const std::vector<std::string>& endpoint_ips);

}  // namespace kscratch::netfilter
