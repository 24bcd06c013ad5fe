#pragma once
// The cluster-wide settings an agent takes from its server rather than from its own flags
// (k3s's agents fetch theirs from the server's /v1-k3s/config). The server publishes them
// as the ConfigMap kube-system/kscratch-config, as kubeadm publishes its
// ClusterConfiguration in kube-system/kubeadm-config, so they are plain API objects.

#include "kscratch/client/client.h"
#include "kscratch/pki/pki.h"
#include "kscratch/util/expected.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace kscratch::cli {

struct ClusterSettings {
  std::string cluster_cidr;  // the range node pod CIDRs come from (routes, masquerade)
};

// Server side: writes the ConfigMap (server-side apply, so a restart with other flags
// updates it), retrying each second until the API takes it.
boost::asio::awaitable<void> publish_cluster_settings(client::Client& client, ClusterSettings settings);

// Agent side: reads them with the agent's credentials, waiting up to `patience` for a
// server that is still starting. A server that publishes none is an error.
Expected<ClusterSettings> fetch_cluster_settings(const pki::Kubeconfig& server, std::chrono::seconds patience);

}  // namespace kscratch::cli
