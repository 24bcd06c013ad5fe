// Network namespace files (see netns.h).

#include "netns.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace kscratch::podnetwork {

namespace fs = std::filesystem;

namespace {

Error errno_error(const std::string& what, int err) {
  return make_error(fmt::format("{}: {}", what, std::strerror(err)));
}

// Undoes /proc/self/mountinfo's octal escapes (\040 for a space and so on).
std::string unescape_mountinfo(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (std::size_t j = 1; j <= 3; ++j) {
        char c = field[i + j];
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

bool is_mount_point(const fs::path& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    if (fields >> id >> parent >> devno >> root >> mount_point && unescape_mountinfo(mount_point) == dir.string()) {
      return true;
    }
  }
  return false;
}

fs::path absolute_dir(const fs::path& dir) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(dir, ec);
  return ec ? dir : canonical;
}

}  // namespace

Status ensure_shared_mount_dir(const fs::path& dir_in) {
  std::error_code ec;
  fs::create_directories(dir_in, ec);
  if (ec) return make_error(fmt::format("create {}: {}", dir_in.string(), ec.message()));
  fs::path dir = absolute_dir(dir_in);
  bool bound = false;
  while (::mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
    // EINVAL: not a mount point. Make it one and try again, once.
    if (errno != EINVAL || bound) return errno_error(fmt::format("make {} a shared mount", dir.string()), errno);
    if (::mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) {
      return errno_error(fmt::format("bind-mount {} onto itself", dir.string()), errno);
    }
    bound = true;
  }
  return Ok{};
}

Status unmount_dir(const fs::path& dir_in) {
  fs::path dir = absolute_dir(dir_in);
  // A directory can carry several stacked mounts (two agents that both made it shared):
  // unmount until none is left.
  for (int i = 0; i < 16 && is_mount_point(dir); ++i) {
    if (::umount2(dir.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
      return errno_error(fmt::format("unmount {}", dir.string()), errno);
    }
  }
  return Ok{};
}

bool is_netns_mounted(const fs::path& path) {
  struct statfs st {};
  return ::statfs(path.c_str(), &st) == 0 && static_cast<unsigned long>(st.f_type) == NSFS_MAGIC;
}

Status create_netns(const fs::path& path) {
  // The mount target: an empty file, like `ip netns add` makes.
  int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0444);
  if (fd < 0) return errno_error(fmt::format("create {}", path.string()), errno);
  ::close(fd);

  Status result = Ok{};
  // unshare() moves only the calling thread into the new namespace; the thread then
  // bind-mounts its own namespace onto the file (mounts are shared by all threads) and
  // ends. The process's other threads never leave the host namespace.
  std::thread worker([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      result = errno_error("unshare(CLONE_NEWNET)", errno);
      return;
    }
    if (::mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
      result = errno_error(fmt::format("bind-mount a new network namespace onto {}", path.string()), errno);
    }
  });
  worker.join();
  if (!result) ::unlink(path.c_str());
  return result;
}

Status remove_netns(const fs::path& path) {
  // MNT_DETACH: a process still inside the namespace (a container being killed) must not
  // make this fail; the namespace goes when its last user does.
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return errno_error(fmt::format("unmount {}", path.string()), errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return errno_error(fmt::format("remove {}", path.string()), errno);
  }
  return Ok{};
}

Status run_in_netns(const fs::path& path, const std::function<Status()>& work) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(fmt::format("open {}", path.string()), errno);
  Status result = Ok{};
  std::thread worker([&] {
    if (::setns(fd, CLONE_NEWNET) != 0) {
      result = errno_error(fmt::format("enter network namespace {}", path.string()), errno);
      return;
    }
    result = work();
  });
  worker.join();
  ::close(fd);
  return result;
}

}  // namespace kscratch::podnetwork
