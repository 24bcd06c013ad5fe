#pragma once
// The kubelet's options from the node flags that `server` and `agent` share.

#include "kscratch/cli/config.h"
#include "kscratch/kubelet/kubelet.h"

#include <filesystem>
#include <string>

namespace kscratch::cli {

kubelet::KubeletOptions kubelet_options(const NodeConfig& node, const std::filesystem::path& data_dir,
                                        const std::string& cluster_cidr, const std::filesystem::path& client_ca_file);

}  // namespace kscratch::cli
