#include "overlay.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace kscratch::containers {

std::string overlay_lowerdir(const std::vector<std::filesystem::path>& layers) {
  std::string out;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    if (!out.empty()) out += ':';
    out += it->string();
  }
  return out;
}

Status mount_overlay(const std::vector<std::filesystem::path>& layers, const std::filesystem::path& dir) {
  if (layers.empty()) return make_error("mount rootfs: the image has no layers");
  for (auto& l : layers) {
    // ':' separates lower directories and ',' options: such a path cannot be given.
    auto s = l.string();
    if (s.find_first_of(":,") != std::string::npos) {
      return make_error(fmt::format("mount rootfs: layer path {} contains ':' or ','", s));
    }
  }
  std::error_code ec;
  for (const char* sub : {"upper", "work", "rootfs"}) {
    std::filesystem::create_directories(dir / sub, ec);
    if (ec) return make_error(fmt::format("mount rootfs: mkdir {}: {}", (dir / sub).string(), ec.message()));
  }
  auto rootfs = dir / "rootfs";
  // Even a one-layer image gets an overlay: the container's writes must not reach the
  // layer, which other containers of the image share.
  auto data = fmt::format("lowerdir={},upperdir={},workdir={}", overlay_lowerdir(layers), (dir / "upper").string(),
                     (dir / "work").string());
  if (data.size() >= 4096) {
    return make_error(fmt::format("mount rootfs: {} layers make the mount options too long", layers.size()));
  }
  if (::mount("overlay", rootfs.c_str(), "overlay", 0, data.c_str()) != 0) {
    return make_error(fmt::format("mount overlay at {}: {}", rootfs.string(), std::strerror(errno)));
  }
  return Ok{};
}

bool is_mount_point(const std::filesystem::path& path) {
  struct stat self {}, parent {};
  if (::lstat(path.c_str(), &self) != 0) return false;
  if (::lstat(path.parent_path().c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

Status unmount(const std::filesystem::path& path) {
  for (int i = 0; i < 8 && is_mount_point(path); ++i) {
    if (::umount2(path.c_str(), 0) == 0) continue;
    if (errno == EBUSY) {
      ::umount2(path.c_str(), MNT_DETACH);
    } else if (errno != EINVAL) {
      return make_error(fmt::format("unmount {}: {}", path.string(), std::strerror(errno)));
    }
  }
  if (is_mount_point(path)) return make_error(fmt::format("unmount {}: still mounted", path.string()));
  return Ok{};
}

}  // namespace kscratch::containers
