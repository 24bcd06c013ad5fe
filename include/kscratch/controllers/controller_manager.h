#pragma once
// kube-controller-manager: the controllers that drive the cluster toward what its objects
// ask for (ReplicaSets, Deployments, Endpoints and EndpointSlices, garbage collection,
// namespaces, service accounts, node lifecycle and pod CIDRs). They talk to the cluster
// only through an API client, so the same code could run in another process.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace kscratch::controllers {

struct ControllerManagerOptions {
  // How long a node may go without renewing its Lease before it is NotReady/Unknown
  // (--node-monitor-grace-period).
  std::chrono::seconds node_monitor_grace_period{40};
  // How often node health is checked (--node-monitor-period).
  std::chrono::seconds node_monitor_period{5};
  // Pod CIDRs for nodes come from here, one /node_cidr_mask_size each (--cluster-cidr).
  std::string cluster_cidr = "10.42.0.0/16";
  int node_cidr_mask_size = 24;
  // Controllers to run; empty means all.
  std::vector<std::string> controllers;
};

// Runs every controller until cancelled (a supervisor task).
boost::asio::awaitable<void> run_controller_manager(client::Client& client, const ControllerManagerOptions& options);

}  // namespace kscratch::controllers
