#pragma once
// The node's bridge: every pod's host veth is a port of it, and its address is the pods'
// gateway.

#include "cidr.h"
#include "kscratch/util/expected.h"

#include <netlink/socket.h>

#include <string>

namespace kscratch::podnetwork {

// Creates or repairs the bridge: a bridge by that name, the MAC derived from the name,
// up, and the gateway of `pod_cidr` as its only IPv4 address. Returns its ifindex.
Expected<int> ensure_bridge(nl_sock* sock, const std::string& name, const Ipv4Cidr& pod_cidr);

}  // namespace kscratch::podnetwork
