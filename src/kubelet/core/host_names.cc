#include "kscratch/kubelet/kubelet.h"

#include <fmt/format.h>

#include <cstdint>

namespace kscratch::kubelet {

HostNames host_names(const std::filesystem::path& data_dir, const std::string& node_name) {
  // FNV-1a: stable across builds and machines, unlike std::hash.
  auto dir = data_dir.lexically_normal();
  if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "/a/b/" is "/a/b"
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : dir.string() + "\n" + node_name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  HostNames n;
  n.tag = fmt::format("{:06x}", h & 0xffffff);
  n.bridge = "ksbr" + n.tag;                 // 10 characters (interface names hold 15)
  n.veth_prefix = "kv" + n.tag.substr(0, 4);  // the network appends a hash of the pod uid
  n.nft_table = "kscratch-" + n.tag;
  n.proxy_table = "kscratch-proxy-" + n.tag;
  n.cgroup_parent = "/kscratch-" + n.tag;
  n.run_dir = "/run/kscratch-" + n.tag;
  return n;
}

}  // namespace kscratch::kubelet
