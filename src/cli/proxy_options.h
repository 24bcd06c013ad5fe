#pragma once
// The proxy's options for the node a kubelet runs: same node name and data dir, so the
// proxy's table is named from the same host-names tag as the kubelet's bridge and tables.

#include "kscratch/kubelet/kubelet.h"
#include "kscratch/proxy/proxy.h"

namespace kscratch::cli {

proxy::ProxyOptions proxy_options(const kubelet::KubeletOptions& node, bool manage_load_balancer_status);

}  // namespace kscratch::cli
