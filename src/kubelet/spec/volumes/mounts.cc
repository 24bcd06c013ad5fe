// Host mounts for memory-backed volumes, and finding them again for cleanup.

#include "kubelet/spec/volumes/volumes.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kscratch::kubelet::spec::volumes {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (std::size_t j = 1; j <= 3; ++j) {
        if (s[i + j] < '0' || s[i + j] > '7') {
          ok = false;
          break;
        }
        v = v * 8 + (s[i + j] - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<fs::path> all_mount_points() {
  std::vector<fs::path> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    if (fields >> id >> parent >> dev >> root >> point) out.emplace_back(unescape(point));
  }
  return out;
}

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

bool is_under(const fs::path& path, const fs::path& dir) {
  auto d = dir.lexically_normal().string();
  auto p = path.lexically_normal().string();
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return p == d || (p.size() > d.size() && p.compare(0, d.size(), d) == 0 && p[d.size()] == '/');
}

}  // namespace

fs::path volume_dir(const fs::path& pod_dir, std::string_view plugin, const std::string& name) {
  return pod_dir / "volumes" / fmt::format("kubernetes.io~{}", plugin) / name;
}

std::vector<fs::path> mounts_under(const fs::path& dir) {
  fs::path base = canonical_or_self(dir);
  std::vector<fs::path> out;
  for (auto& point : all_mount_points()) {
    if (is_under(point, base)) out.push_back(point);
  }
  // Deepest first, so that nested mounts come off before their parents; a path mounted
  // twice is listed twice and unmounted twice.
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) { return a.string() > b.string(); });
  return out;
}

bool is_mount_point(const fs::path& dir) {
  fs::path target = canonical_or_self(dir);
  for (auto& point : all_mount_points()) {
    if (point == target) return true;
  }
  return false;
}

Status mount_tmpfs(const fs::path& dir, const std::string& options) {
  if (is_mount_point(dir)) return Ok{};
  const char* data = options.empty() ? nullptr : options.c_str();
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, data) != 0) {
    return make_error(fmt::format("mount tmpfs on {} ({}): {}", dir.string(), options, std::strerror(errno)));
  }
  return Ok{};
}

Status unmount(const fs::path& dir) {
  if (::umount2(dir.c_str(), 0) == 0) return Ok{};
  // Busy (a container still holds it, or a process sits in it): detach it so that it
  // goes once the last user does, as the pod is being torn down anyway.
  if (errno == EBUSY && ::umount2(dir.c_str(), MNT_DETACH) == 0) return Ok{};
  if (errno == EINVAL || errno == ENOENT) return Ok{};  // not (or no longer) a mount point
  return make_error(fmt::format("unmount {}: {}", dir.string(), std::strerror(errno)));
}

Status setup_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(fmt::format("create {}: {}", dir.string(), ec.message()));
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & 0777) != 0777 && !is_mount_point(dir)) {
    if (::chmod(dir.c_str(), 0777) != 0) {
      return make_error(fmt::format("chmod {}: {}", dir.string(), std::strerror(errno)));
    }
  }
  return Ok{};
}

Status set_volume_ownership(const fs::path& dir, std::int64_t fs_group, bool read_only) {
  auto change = [&](const fs::path& path) -> Status {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return Ok{};
    if (::lchown(path.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(fs_group)) != 0) {
      return make_error(fmt::format("chown {}: {}", path.string(), std::strerror(errno)));
    }
    if (S_ISLNK(st.st_mode)) return Ok{};
    mode_t mask = read_only ? 0440 : 0660;
    if (S_ISDIR(st.st_mode)) mask |= S_ISGID | 0110;
    if (::chmod(path.c_str(), (st.st_mode & 07777) | mask) != 0) {
      return make_error(fmt::format("chmod {}: {}", path.string(), std::strerror(errno)));
    }
    return Ok{};
  };
  if (auto ok = change(dir); !ok) return ok;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (auto ok = change(it->path()); !ok) return ok;
  }
  if (ec) return make_error(fmt::format("walk {}: {}", dir.string(), ec.message()));
  return Ok{};
}

}  // namespace kscratch::kubelet::spec::volumes
