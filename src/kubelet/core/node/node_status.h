#pragma once
// The kubelet's Node: registration and the status it reports (capacity and allocatable,
// conditions, addresses, system info, the kubelet's endpoint, images), and the Lease it
// renews as its heartbeat (upstream's pkg/kubelet/nodestatus and nodelease).

#include "../context.h"
#include "node_info.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

namespace kscratch::kubelet {

// The Node object the kubelet registers.
boost::json::object node_object(const KubeletOptions& options);
// The status the kubelet reports; old keeps the conditions' transition times.
boost::json::object node_status(const KubeletContext& ctx, const MachineInfo& machine, const boost::json::object& old);

// Creates the Node (or finds it registered already), then reports its status every
// status_report_interval; runs until cancelled.
boost::asio::awaitable<void> run_node_status(KubeletContext& ctx, MachineInfo machine);
// Renews the node's Lease in kube-node-lease every lease_renew_interval.
boost::asio::awaitable<void> run_node_lease(KubeletContext& ctx);

}  // namespace kscratch::kubelet
