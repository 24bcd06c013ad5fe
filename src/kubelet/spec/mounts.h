#pragma once
// The mounts of one container: its volumeMounts (subPath, subPathExpr, propagation), the
// pod's /etc/hosts, /etc/resolv.conf and /etc/hostname (kubelet makeMounts and containerd's
// sandbox files) and the termination message file.

#include "kubelet/spec/spec.h"

#include <map>
#include <string>
#include <vector>

namespace kscratch::kubelet::spec {

struct MountInputs {
  std::filesystem::path pod_dir;
  std::string container_id;
  bool read_only_root = false;
  bool privileged = false;
};

SpecResult<std::vector<containers::Mount>> container_mounts(const json::object& container, const Volumes& volumes,
                                                            const std::map<std::string, std::string>& env,
                                                            const MountInputs& inputs);

}  // namespace kscratch::kubelet::spec
