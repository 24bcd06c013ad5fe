#pragma once
// A pod's link to the node: a veth pair whose host end is a port of the bridge and whose
// other end is eth0 in the pod's namespace, with the pod's address and a default route.

#include "cidr.h"
#include "kscratch/util/expected.h"

#include <netlink/socket.h>

#include <filesystem>
#include <string>

namespace kscratch::podnetwork {

// Whether the host end exists; when it does it is made a port of the bridge and up
// (repairing a half-done attach).
Expected<bool> adopt_host_veth(nl_sock* sock, const std::string& host_name, int bridge_ifindex);
// Creates the pair: `host_name` on the bridge and up, the peer created directly inside
// the namespace as eth0 (never in the host namespace, where eth0 is taken).
Status create_veth(nl_sock* sock, const std::string& host_name, int bridge_ifindex,
                   const std::filesystem::path& netns);
// Inside the namespace: lo and eth0 up, `address`/prefix on eth0, default route via the
// gateway. Idempotent.
Status configure_pod_interface(const std::filesystem::path& netns, Ipv4Address address, const Ipv4Cidr& pod_cidr);

}  // namespace kscratch::podnetwork

namespace kscratch::podnetwork {

// Deletes every link named <prefix>... that is a port of the bridge: host veths whose
// pod record was lost (teardown after a crash).
Status delete_ports_with_prefix(nl_sock* sock, const std::string& prefix, int bridge_ifindex);

}  // namespace kscratch::podnetwork
