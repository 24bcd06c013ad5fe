#pragma once
// A container's root filesystem: an overlay of its image's layers (read-only, shared by
// every container of the image) under a writable upper directory of its own.

#include "kscratch/util/expected.h"

#include <filesystem>
#include <vector>

namespace kscratch::containers {

// The lowerdir option: the top-most layer first, as overlayfs stacks them.
std::string overlay_lowerdir(const std::vector<std::filesystem::path>& layers_lowest_first);

// Mounts layers (lowest first) with upper and work under dir, at dir/rootfs.
Status mount_overlay(const std::vector<std::filesystem::path>& layers, const std::filesystem::path& dir);

// Whether path is a mount point (its device differs from its parent's).
bool is_mount_point(const std::filesystem::path& path);

// Unmounts path if it is mounted (lazily if busy); an error if it stays mounted.
Status unmount(const std::filesystem::path& path);

}  // namespace kscratch::containers
