#pragma once
// The OCI runtime configuration (config.json) of a container: a pure function of its spec,
// the resolved user and where its root filesystem is mounted. Defaults follow `runc spec`
// for mounts, masked and read-only paths, and Docker/containerd for what containers expect
// beyond it: Docker's default capabilities, a writable root, RLIMIT_NOFILE 1048576.

#include "kscratch/containers/runtime.h"
#include "user_lookup.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::containers {

// A host device node, given to privileged containers.
struct DeviceNode {
  std::string path;
  char type = 'c';  // 'c' or 'b'
  std::int64_t major = 0, minor = 0;
  std::uint32_t file_mode = 0666;
  std::uint32_t uid = 0, gid = 0;
};

struct BundleInputs {
  std::filesystem::path rootfs;
  ResolvedUser user;
  std::vector<DeviceNode> host_devices;  // used when privileged
  std::uint64_t nofile_limit = 1048576;  // RLIMIT_NOFILE, soft and hard
  // What "all capabilities" means (privileged, add ALL): the runtime's own, as containerd
  // does, since runc cannot grant what it lacks. Empty: every capability.
  std::vector<std::string> available_capabilities;
};

// RLIMIT_NOFILE for containers: containerd's 1048576, or the runtime's own hard limit
// when it lacks CAP_SYS_RESOURCE to raise it (runc would fail with EPERM otherwise).
std::uint64_t container_nofile_limit();

// Docker's default capability set, without the CAP_ prefix.
const std::vector<std::string>& default_capabilities();
// Every capability the kernel knows, without the CAP_ prefix.
const std::vector<std::string>& all_capabilities();
// The capabilities the calling process has in its effective set, without the CAP_ prefix.
std::vector<std::string> current_capabilities();
// The effective set after privileged, add and drop ("ALL" included), with the CAP_ prefix;
// all is what "all capabilities" means (empty: every capability).
std::vector<std::string> effective_capabilities(const Security& security, const std::vector<std::string>& all = {});

boost::json::object make_oci_config(const ContainerSpec& spec, const BundleInputs& inputs);

// The character and block devices directly under /dev (for privileged containers).
std::vector<DeviceNode> list_host_devices();

}  // namespace kscratch::containers
