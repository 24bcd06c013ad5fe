#pragma once
// The volume plugins of the kubelet that kscratch has (pkg/volume/{emptydir,hostpath,
// configmap,secret,downwardapi,projected}) and the host mounts they need.

#include "kubelet/spec/atomic_writer.h"
#include "kubelet/spec/fieldpath.h"
#include "kubelet/spec/objects.h"
#include "kubelet/spec/spec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kscratch::kubelet::spec::volumes {

namespace fs = std::filesystem;

// pod_dir/volumes/kubernetes.io~<plugin>/<name>, as upstream lays pods out.
fs::path volume_dir(const fs::path& pod_dir, std::string_view plugin, const std::string& name);

// --- host mounts ---
// Mount points at or below dir, deepest first (from /proc/self/mountinfo).
std::vector<fs::path> mounts_under(const fs::path& dir);
bool is_mount_point(const fs::path& dir);
// A tmpfs at dir unless one is there already; options such as "size=67108864".
Status mount_tmpfs(const fs::path& dir, const std::string& options);
Status unmount(const fs::path& dir);

// SetVolumeOwnership: every file and directory to group fs_group, with group read (and write
// unless read_only) added; directories get setgid and group search.
Status set_volume_ownership(const fs::path& dir, std::int64_t fs_group, bool read_only);

// Upstream's setupDir: the volume directory exists with rwx for all whatever the umask
// (fsGroup's setgid bit is kept).
Status setup_dir(const fs::path& dir);

// --- plugins --- (errors are the message after "MountVolume.SetUp failed for volume ...")
Expected<PreparedVolume> empty_dir(const json::object& pod, const std::string& name, const json::object& source,
                                   const fs::path& pod_dir);
Expected<PreparedVolume> host_path(const json::object& source);

// configmap.MakePayload and secret.MakePayload: every key, or the listed items.
Expected<Payload> config_map_payload(const json::array& items, const ObjectData& data, std::uint32_t default_mode,
                                     bool optional);
Expected<Payload> secret_payload(const json::array& items, const ObjectData& data, std::uint32_t default_mode,
                                 bool optional);
// downwardapi.CollectData: fieldRef and resourceFieldRef items.
Expected<Payload> downward_api_payload(const json::array& items, const json::object& pod,
                                       const PodPlacement& placement, std::uint32_t default_mode);

// The mode a volume source gives its files: defaultMode, else 0644.
std::uint32_t default_mode(const json::object& source);

}  // namespace kscratch::kubelet::spec::volumes
