#pragma once
// Network namespaces kept alive by bind mounts, the way `ip netns add` does it, so that
// they outlive the thread that made them and runc can join them by path.

#include "kscratch/util/expected.h"

#include <filesystem>
#include <functional>

namespace kscratch::podnetwork {

// Creates `dir` and makes it a shared-propagation mount of its own (bind-mounting it
// onto itself first if it is not a mount point), as `ip netns` does for /run/netns: bind
// mounts made in it later then reach mount namespaces copied from ours (runc's
// containers), and unmounting them here unmounts them there too, so a namespace is
// freed once its pod is gone.
Status ensure_shared_mount_dir(const std::filesystem::path& dir);
// Unmounts `dir` if it is a mount point (the self bind mount above); fine if it is not.
Status unmount_dir(const std::filesystem::path& dir);

// Whether `path` is a bind mount of a network namespace (not just a leftover file, as
// after a reboot or a crash between creating the file and mounting onto it).
bool is_netns_mounted(const std::filesystem::path& path);
// A new network namespace bind-mounted at `path` (which must not be a mounted
// namespace already). The namespace is made in a short-lived thread, so the caller's
// own namespace never changes.
Status create_netns(const std::filesystem::path& path);
// Unmounts and removes `path`; fine if either is already gone.
Status remove_netns(const std::filesystem::path& path);

// Runs `work` on a short-lived thread that has joined the namespace at `path` (netlink
// sockets opened there talk to that namespace) and returns its result.
Status run_in_netns(const std::filesystem::path& path, const std::function<Status()>& work);

}  // namespace kscratch::podnetwork
