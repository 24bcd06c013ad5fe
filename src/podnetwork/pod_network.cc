// The node's pod network (see kscratch/podnetwork/podnetwork.h): the bridge, per-pod
// namespaces and veth pairs, host-local addresses, masquerade and host-gw routes.
//
// Every call is a handful of netlink exchanges and file operations (milliseconds), so
// the kubelet may make them from its event loop. Threads are only used for the moments
// a thread must sit in another network namespace, and end with the call.

#include "kscratch/podnetwork/podnetwork.h"

#include "bridge.h"
#include "cidr.h"
#include "ipam.h"
#include "kernel_settings.h"
#include "masquerade.h"
#include "names.h"
#include "netlink.h"
#include "netns.h"
#include "routes.h"
#include "veth.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

namespace kscratch::podnetwork {

namespace fs = std::filesystem;

namespace {

std::string join_errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e;
  return out;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

class LinuxPodNetwork final : public PodNetwork {
 public:
  explicit LinuxPodNetwork(NetworkOptions options) : options_(std::move(options)), ipam_(options_.state_dir) {}

  Status ensure_node(const std::string& pod_cidr_text) override {
    std::lock_guard lock(mu_);
    if (auto s = validate_options(options_); !s) return s;
    auto pod_cidr = Ipv4Cidr::parse(pod_cidr_text);
    if (!pod_cidr) return make_error("pod CIDR: " + pod_cidr.error().message);
    if (pod_cidr->pod_address_count() == 0) {
      return make_error(fmt::format("pod CIDR {} is too small for pods", pod_cidr->to_string()));
    }
    auto cluster = *Ipv4Cidr::parse(options_.cluster_cidr);
    if (!cluster.contains(*pod_cidr)) {
      log::warn("podnetwork", "pod CIDR {} is outside the cluster CIDR {}: pod-to-pod traffic will be masqueraded",
                pod_cidr->to_string(), cluster.to_string());
    }
    auto sock = netlink::connect();
    if (!sock) return sock.error();
    auto bridge = ensure_bridge(sock->get(), options_.bridge_name, *pod_cidr);
    if (!bridge) return bridge.error();
    if (auto s = enable_ip_forward(); !s) return s;
    if (auto s = apply_masquerade(options_.nft_table, *pod_cidr, cluster); !s) return s;
    if (!pod_cidr_ || !(*pod_cidr_ == *pod_cidr)) {
      log::info("podnetwork", "node network ready bridge={} gateway={}/{} table={}", options_.bridge_name,
                pod_cidr->gateway().to_string(), pod_cidr->prefix, options_.nft_table);
    }
    pod_cidr_ = *pod_cidr;
    return Ok{};
  }

  Expected<Attachment> attach(const std::string& pod_uid) override {
    std::lock_guard lock(mu_);
    auto start = std::chrono::steady_clock::now();
    if (auto s = validate_options(options_); !s) return s.error();
    if (auto s = validate_pod_uid(pod_uid); !s) return s.error();
    if (!pod_cidr_) return make_error(fmt::format("attach pod {}: the node network is not set up (ensure_node)", pod_uid));

    auto address = ipam_.allocate(*pod_cidr_, pod_uid);
    if (!address) return make_error(fmt::format("attach pod {}: allocate an address: {}", pod_uid, address.error().message));
    auto sock = netlink::connect();
    if (!sock) return sock.error();
    auto bridge = netlink::get_link(sock->get(), options_.bridge_name);
    if (!bridge) return bridge.error();
    if (!*bridge) return make_error(fmt::format("attach pod {}: bridge {} is missing (ensure_node)", pod_uid, options_.bridge_name));
    int bridge_ifindex = rtnl_link_get_ifindex(bridge->value().get());

    if (!netns_dir_ready_) {
      if (auto s = ensure_shared_mount_dir(options_.netns_dir); !s) return s.error();
      netns_dir_ready_ = true;
    }
    Attachment attachment{pod_uid, address->to_string(), netns_path(pod_uid), host_veth_name(options_.veth_prefix, pod_uid)};

    bool fresh_netns = false;
    if (!is_netns_mounted(attachment.netns)) {
      // A leftover file (crash between creating and mounting, or a reboot) is replaced.
      if (auto s = remove_netns(attachment.netns); !s) return s.error();
      if (auto s = create_netns(attachment.netns); !s) return make_error(fmt::format("attach pod {}: {}", pod_uid, s.error().message));
      fresh_netns = true;
    }
    auto result = connect_pod(sock->get(), attachment, *address, bridge_ifindex, fresh_netns);
    if (!result) {
      // A namespace made just now holds no container yet: leave nothing half-made. An
      // older one may be in use by a running pod, so it stays for a later attach or
      // detach to settle.
      if (fresh_netns) (void)detach_locked(pod_uid);
      return make_error(fmt::format("attach pod {}: {}", pod_uid, result.error().message));
    }
    log::info("podnetwork", "attached pod {} ip={} veth={} netns={} in {:.1f} ms", pod_uid, attachment.ip,
              attachment.host_veth, attachment.netns.string(), ms_since(start));
    return attachment;
  }

  std::optional<Attachment> find(const std::string& pod_uid) const override {
    std::lock_guard lock(mu_);
    if (!validate_pod_uid(pod_uid)) return std::nullopt;
    auto address = ipam_.find(pod_uid);
    fs::path netns = netns_path(pod_uid);
    if (!address || !is_netns_mounted(netns)) return std::nullopt;
    return Attachment{pod_uid, address->to_string(), netns, host_veth_name(options_.veth_prefix, pod_uid)};
  }

  Status detach(const std::string& pod_uid) override {
    std::lock_guard lock(mu_);
    if (auto s = validate_pod_uid(pod_uid); !s) return s;
    return detach_locked(pod_uid);
  }

  std::vector<std::string> attached_pods() const override {
    std::lock_guard lock(mu_);
    return attached_pods_locked();
  }

  Status sync_routes(const std::vector<Route>& routes) override {
    std::lock_guard lock(mu_);
    if (auto s = validate_options(options_); !s) return s;
    auto cluster = *Ipv4Cidr::parse(options_.cluster_cidr);
    auto sock = netlink::connect();
    if (!sock) return sock.error();
    std::vector<HostRoute> wanted;
    for (const auto& r : routes) {
      auto cidr = Ipv4Cidr::parse(r.cidr);
      if (!cidr) return make_error(fmt::format("route {} via {}: {}", r.cidr, r.via, cidr.error().message));
      auto via = Ipv4Address::parse(r.via);
      if (!via) return make_error(fmt::format("route {} via {}: {}", r.cidr, r.via, via.error().message));
      // Routes are only ever removed inside the cluster CIDR (so that ours can be told
      // from others'), hence only added there.
      if (!cluster.contains(*cidr)) {
        return make_error(fmt::format("route {} via {}: outside the cluster CIDR {}", r.cidr, r.via, cluster.to_string()));
      }
      if (pod_cidr_ && (cidr->contains(*pod_cidr_) || pod_cidr_->contains(*cidr))) {
        log::debug("podnetwork", "no route to {}: it is this node's pod CIDR", r.cidr);
        continue;
      }
      // A node on this very host (several agents on one machine) is reached through
      // its own bridge already.
      auto local = netlink::is_local_address(sock->get(), *via);
      if (!local) return local.error();
      if (*local) {
        log::debug("podnetwork", "no route to {}: {} is an address of this host", r.cidr, r.via);
        continue;
      }
      wanted.push_back(HostRoute{*cidr, *via});
    }
    return sync_host_routes(sock->get(), cluster, wanted);
  }

  Status teardown() override {
    std::lock_guard lock(mu_);
    if (auto s = validate_options(options_); !s) return s;
    std::vector<std::string> errors;
    for (const auto& uid : attached_pods_locked()) {
      if (auto s = detach_locked(uid); !s) errors.push_back(s.error().message);
    }
    auto sock = netlink::connect();
    if (!sock) return sock.error();
    auto bridge = netlink::get_link(sock->get(), options_.bridge_name);
    if (!bridge) {
      errors.push_back(bridge.error().message);
    } else if (*bridge) {
      int ifindex = rtnl_link_get_ifindex(bridge->value().get());
      if (auto s = delete_ports_with_prefix(sock->get(), options_.veth_prefix, ifindex); !s) errors.push_back(s.error().message);
      if (auto s = netlink::delete_link(sock->get(), options_.bridge_name); !s) errors.push_back(s.error().message);
    }
    auto cluster = *Ipv4Cidr::parse(options_.cluster_cidr);
    if (auto s = sync_host_routes(sock->get(), cluster, {}); !s) errors.push_back(s.error().message);
    if (auto s = delete_masquerade(options_.nft_table); !s) errors.push_back(s.error().message);
    if (auto s = ipam_.clear(); !s) errors.push_back(s.error().message);
    if (auto s = unmount_dir(options_.netns_dir); !s) {
      errors.push_back(s.error().message);
    } else {
      std::error_code ec;
      fs::remove(options_.netns_dir, ec);  // only when empty: anything else there is not ours
    }
    netns_dir_ready_ = false;
    pod_cidr_.reset();
    if (!errors.empty()) return make_error("pod network teardown: " + join_errors(errors));
    log::info("podnetwork", "pod network torn down bridge={} table={}", options_.bridge_name, options_.nft_table);
    return Ok{};
  }

 private:
  fs::path netns_path(const std::string& pod_uid) const { return options_.netns_dir / pod_uid; }

  // The veth pair and the pod's side of it, creating what is missing.
  Status connect_pod(nl_sock* sock, const Attachment& a, Ipv4Address address, int bridge_ifindex, bool fresh_netns) {
    if (fresh_netns) {
      // A host veth from before has its peer in a namespace that is gone or elsewhere.
      if (auto s = netlink::delete_link(sock, a.host_veth); !s) return s;
    }
    auto adopted = adopt_host_veth(sock, a.host_veth, bridge_ifindex);
    if (!adopted) return adopted.error();
    if (!*adopted) {
      if (auto s = create_veth(sock, a.host_veth, bridge_ifindex, a.netns); !s) return s;
    }
    if (auto s = netlink::enable_hairpin(sock, a.host_veth); !s) return s;
    auto configured = configure_pod_interface(a.netns, address, *pod_cidr_);
    if (!configured && *adopted) {
      // The adopted veth's peer is not in this namespace (someone deleted or moved it):
      // make the pair anew.
      log::warn("podnetwork", "pod {}: rebuilding veth {}: {}", a.pod_uid, a.host_veth, configured.error().message);
      if (auto s = netlink::delete_link(sock, a.host_veth); !s) return s;
      if (auto s = create_veth(sock, a.host_veth, bridge_ifindex, a.netns); !s) return s;
      if (auto s = netlink::enable_hairpin(sock, a.host_veth); !s) return s;
      configured = configure_pod_interface(a.netns, address, *pod_cidr_);
    }
    return configured;
  }

  Status detach_locked(const std::string& pod_uid) {
    std::vector<std::string> errors;
    // The host end first: deleting it deletes the peer at once, while a namespace's
    // links go only when the kernel gets round to freeing the namespace.
    if (validate_interface_name(options_.veth_prefix)) {
      auto sock = netlink::connect();
      if (!sock) return sock.error();
      if (auto s = netlink::delete_link(sock->get(), host_veth_name(options_.veth_prefix, pod_uid)); !s) {
        errors.push_back(s.error().message);
      }
    }
    if (auto s = remove_netns(netns_path(pod_uid)); !s) errors.push_back(s.error().message);
    if (auto s = ipam_.release(pod_uid); !s) errors.push_back(s.error().message);
    if (!errors.empty()) return make_error(fmt::format("detach pod {}: {}", pod_uid, join_errors(errors)));
    log::info("podnetwork", "detached pod {}", pod_uid);
    return Ok{};
  }

  std::vector<std::string> attached_pods_locked() const {
    std::set<std::string> uids;
    for (const auto& a : ipam_.allocations()) {
      if (validate_pod_uid(a.owner)) uids.insert(a.owner);
    }
    std::error_code ec;
    for (fs::directory_iterator it(options_.netns_dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (validate_pod_uid(name)) uids.insert(name);
    }
    return {uids.begin(), uids.end()};
  }

  NetworkOptions options_;
  HostLocalIpam ipam_;
  std::optional<Ipv4Cidr> pod_cidr_;  // set by ensure_node
  bool netns_dir_ready_ = false;
  mutable std::mutex mu_;
};

}  // namespace

std::unique_ptr<PodNetwork> make_pod_network(NetworkOptions options) {
  return std::make_unique<LinuxPodNetwork>(std::move(options));
}

}  // namespace kscratch::podnetwork
