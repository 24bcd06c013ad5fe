#pragma once
// The pod network of one node (what the bridge + host-local CNI plugins and flannel's
// host-gw backend do for k3s): a bridge whose address is the gateway of the node's pod
// CIDR, per pod a network namespace joined to it by a veth pair, addresses kept on disk
// so a restart never hands out a live one twice, masquerade for traffic leaving the
// cluster CIDR, and routes to other nodes' pod CIDRs via their addresses. All netlink,
// through libnl-route; no `ip` commands.

#include "kscratch/util/expected.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::podnetwork {

struct NetworkOptions {
  // Host-level names, derived by the caller from the data dir and node name so that
  // several agents coexist on one machine.
  std::string bridge_name;                // <= 15 characters
  std::string veth_prefix;                // host ends are <prefix><hash of pod uid>, <= 15 in all
  std::string nft_table;                  // the masquerade rules' table (family ip)
  std::filesystem::path state_dir;        // address allocations
  std::filesystem::path netns_dir;        // bind mounts that keep pod namespaces alive
  std::string cluster_cidr = "10.42.0.0/16";
};

struct Attachment {
  std::string pod_uid;
  std::string ip;                  // the pod's address, e.g. 10.42.0.5
  std::filesystem::path netns;     // runc joins it by this path
  std::string host_veth;
};

// A route to another node's pods: destination CIDR via that node's address.
struct Route {
  std::string cidr;
  std::string via;
};

// Each call is a few netlink exchanges and file operations (about 10 ms for an attach),
// short enough for the caller's event loop; calls may come from any thread (they are
// serialised). Root is needed.
class PodNetwork {
 public:
  virtual ~PodNetwork() = default;

  // The bridge (fixed MAC, gateway address), ip_forward, masquerade. Idempotent.
  virtual Status ensure_node(const std::string& pod_cidr) = 0;
  // A namespace with eth0 and lo up, an address and a default route via the gateway.
  // Idempotent: the attachment of a pod that has one is returned as it is (a missing
  // veth or address is repaired, the address kept). Needs ensure_node() first, in this
  // process, for the pod CIDR.
  virtual Expected<Attachment> attach(const std::string& pod_uid) = 0;
  // The attachment when the pod has a recorded address and a mounted namespace (no
  // netlink; attach() is what checks and repairs the links).
  virtual std::optional<Attachment> find(const std::string& pod_uid) const = 0;
  // Removes the veth pair and the namespace and frees the address. Idempotent.
  virtual Status detach(const std::string& pod_uid) = 0;
  // Pods with an attachment, even a partial one (for cleaning up after pods that no
  // longer exist). Pod uids are [A-Za-z0-9._-]+ (they name files).
  virtual std::vector<std::string> attached_pods() const = 0;
  // Makes the routes to other nodes' pod CIDRs exactly these. Our routes carry route
  // protocol 75 (`ip route show proto 75`); only those, and only inside the cluster
  // CIDR, are ever changed. Routes to this node's own CIDR or via an address of this
  // host (another agent on the same machine) are skipped; a CIDR outside the cluster
  // CIDR is an error.
  virtual Status sync_routes(const std::vector<Route>& routes) = 0;
  // Removes everything: attachments, bridge, routes, rules (kscratch-killall).
  virtual Status teardown() = 0;
};

std::unique_ptr<PodNetwork> make_pod_network(NetworkOptions options);

}  // namespace kscratch::podnetwork
