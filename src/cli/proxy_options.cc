#include "proxy_options.h"

namespace kscratch::cli {

proxy::ProxyOptions proxy_options(const kubelet::KubeletOptions& node, bool manage_load_balancer_status) {
  proxy::ProxyOptions o;
  o.node_name = node.node_name.empty() ? kubelet::default_node_name() : node.node_name;
  o.table = kubelet::host_names(node.data_dir, o.node_name).proxy_table;
  o.cluster_cidr = node.cluster_cidr;
  o.manage_load_balancer_status = manage_load_balancer_status;
  return o;
}

}  // namespace kscratch::cli
