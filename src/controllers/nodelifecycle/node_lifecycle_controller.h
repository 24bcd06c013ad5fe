#pragma once
// The node lifecycle controller (upstream pkg/controller/nodelifecycle, with the taint
// eviction and node IPAM controllers folded in, as they share the node informer):
// - a node whose kubelet stops renewing its Lease for node_monitor_grace_period gets its
//   conditions set to Unknown ("Kubelet stopped posting node status.") and its pods
//   marked not ready;
// - nodes not Ready carry the NoExecute taints node.kubernetes.io/unreachable or
//   not-ready, and pods that do not tolerate them (for their tolerationSeconds) are
//   evicted, so their owners replace them elsewhere;
// - each node gets spec.podCIDR from the cluster CIDR.

#include "../manager/controller.h"
#include "cidr.h"
#include "kscratch/client/workqueue.h"

#include <map>
#include <optional>

namespace kscratch::controllers::nodelifecycle {

class NodeLifecycleController : public Controller {
 public:
  explicit NodeLifecycleController(ControllerContext& ctx);
  const char* name() const override { return "node-lifecycle"; }
  boost::asio::awaitable<void> run() override;

 private:
  // What the controller saw of a node's heartbeats, by its own clock (as upstream's
  // nodeHealthData): a renewal is noticed when the Lease's renewTime changes.
  struct Health {
    std::string renew_time;
    std::string ready_heartbeat;
    std::chrono::steady_clock::time_point probed;
  };

  boost::asio::awaitable<void> monitor();
  boost::asio::awaitable<void> check_node(const json::object& node);
  boost::asio::awaitable<void> mark_unknown(const json::object& node);
  boost::asio::awaitable<void> mark_pods_not_ready(const std::string& node);
  boost::asio::awaitable<void> reconcile_taints(const json::object& node);
  boost::asio::awaitable<void> evict_pods(const json::object& node);
  boost::asio::awaitable<bool> assign_cidr(const std::string& node);

  ControllerContext& ctx_;
  client::Informer& nodes_;
  client::Informer& leases_;
  client::Informer& pods_;
  std::map<std::string, Health> health_;
  std::optional<CidrAllocator> cidrs_;
  client::WorkQueue cidr_queue_;
};

}  // namespace kscratch::controllers::nodelifecycle
