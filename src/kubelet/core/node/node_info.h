#pragma once
// Facts about this machine that the Node object reports: capacity, system info,
// addresses. Read from /proc, uname and statvfs (cAdvisor's machine info, in small).

#include "kscratch/kubelet/kubelet.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace kscratch::kubelet {

struct MachineInfo {
  int cpus = 1;
  std::int64_t memory_bytes = 0;
  std::int64_t ephemeral_storage_bytes = 0;  // the filesystem of the data dir
  std::string kernel_version;
  std::string os_image;  // PRETTY_NAME of /etc/os-release
  std::string architecture = "amd64";
  std::string machine_id;
  std::string boot_id;
  std::string runc_version;  // "1.1.5"
};

MachineInfo read_machine_info(const std::filesystem::path& data_dir, const std::string& runc);


}  // namespace kscratch::kubelet
