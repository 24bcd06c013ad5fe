// The ..data symlink swap of upstream's AtomicWriter, step for step.

#include "kubelet/spec/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <vector>

namespace kscratch::kubelet::spec {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDataDir = "..data";
constexpr const char* kDataDirTmp = "..data_tmp";
constexpr std::size_t kMaxPathLength = 4096;
constexpr std::size_t kMaxFileNameLength = 255;

std::string errno_text(int err) { return std::strerror(err); }

// filepath.Clean for relative paths: no empty or "." elements.
std::string clean(const std::string& path) {
  std::string out;
  std::stringstream in(path);
  std::string item;
  while (std::getline(in, item, '/')) {
    if (item.empty() || item == ".") continue;
    if (!out.empty()) out += '/';
    out += item;
  }
  return out.empty() ? "." : out;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// shouldWriteFile, extended to modes: a changed defaultMode must reach the files too.
bool should_write_file(const fs::path& path, const FileProjection& file) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return true;
  if ((st.st_mode & 07777) != file.mode) return true;
  if (file.fs_user && st.st_uid != static_cast<uid_t>(*file.fs_user)) return true;
  auto on_disk = read_file(path);
  return !on_disk || *on_disk != file.data;
}

Status write_file(const fs::path& path, const FileProjection& file) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file.mode);
  if (fd < 0) return make_error(fmt::format("open {}: {}", path.string(), errno_text(errno)));
  std::size_t done = 0;
  while (done < file.data.size()) {
    ssize_t n = ::write(fd, file.data.data() + done, file.data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return make_error(fmt::format("write {}: {}", path.string(), errno_text(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  // The umask must not decide the file's mode.
  if (::chmod(path.c_str(), file.mode) != 0) {
    return make_error(fmt::format("chmod {}: {}", path.string(), errno_text(errno)));
  }
  if (file.fs_user && ::chown(path.c_str(), static_cast<uid_t>(*file.fs_user), static_cast<gid_t>(-1)) != 0) {
    return make_error(fmt::format("chown {}: {}", path.string(), errno_text(errno)));
  }
  return Ok{};
}

// os.MkdirTemp(target, "..2006_01_02_15_04_05."), then 0755 so that group and others can
// walk the tree whatever the umask.
Expected<fs::path> new_timestamp_dir(const fs::path& target_dir) {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "..%Y_%m_%d_%H_%M_%S.XXXXXX", &tm);
  std::string templ = (target_dir / stamp).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return make_error(fmt::format("create timestamped directory in {}: {}", target_dir.string(), errno_text(errno)));
  }
  if (::chmod(templ.c_str(), 0755) != 0) return make_error(fmt::format("chmod {}: {}", templ, errno_text(errno)));
  return fs::path(templ);
}

Status make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::path current;
  for (const auto& part : dir) {
    current /= part;
    if (fs::exists(current, ec)) continue;
    if (::mkdir(current.c_str(), 0755) != 0 && errno != EEXIST) {
      return make_error(fmt::format("mkdir {}: {}", current.string(), errno_text(errno)));
    }
    ::chmod(current.c_str(), 0755);
  }
  return Ok{};
}

}  // namespace

Status validate_payload_path(const std::string& path) {
  if (path.empty()) return make_error("invalid path: must not be empty: \"\"");
  if (path.front() == '/') return make_error(fmt::format("invalid path: must be relative path: {}", path));
  if (path.size() > kMaxPathLength) {
    return make_error(fmt::format("invalid path: must be less than or equal to {} characters", kMaxPathLength));
  }
  std::vector<std::string> items;
  std::stringstream in(path);
  std::string item;
  while (std::getline(in, item, '/')) items.push_back(item);
  for (const auto& i : items) {
    if (i == "..") return make_error(fmt::format("invalid path: must not contain '..': {}", path));
    if (i.size() > kMaxFileNameLength) {
      return make_error(
          fmt::format("invalid path: filenames must be less than or equal to {} characters", kMaxFileNameLength));
    }
  }
  if (!items.empty() && items[0].starts_with("..") && items[0].size() > 2) {
    return make_error(fmt::format("invalid path: must not start with '..': {}", path));
  }
  return Ok{};
}

Status atomic_write(const fs::path& target_dir, const Payload& payload, const SetPerms& set_perms) {
  // (1) Validate and clean the payload.
  Payload files;
  for (const auto& [path, file] : payload) {
    if (auto ok = validate_payload_path(path); !ok) return ok.error();
    files[clean(path)] = file;
  }
  std::error_code ec;
  if (!fs::exists(target_dir, ec)) {
    fs::create_directories(target_dir, ec);
    if (ec) return make_error(fmt::format("create {}: {}", target_dir.string(), ec.message()));
  }

  // (2) Where ..data points now, if anywhere valid.
  fs::path data_link = target_dir / kDataDir;
  std::optional<fs::path> old_ts_dir;
  {
    char buf[PATH_MAX];
    ssize_t n = ::readlink(data_link.c_str(), buf, sizeof buf - 1);
    if (n > 0) {
      fs::path candidate = target_dir / std::string(buf, static_cast<std::size_t>(n));
      if (fs::is_directory(candidate, ec)) old_ts_dir = candidate;
    }
  }

  // (3) User-visible paths of the old payload that the new one lacks (with every parent
  // of a new path counted as present, so that non-empty directories are kept).
  std::set<std::string> to_remove;
  if (old_ts_dir) {
    for (auto it = fs::recursive_directory_iterator(*old_ts_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      to_remove.insert(fs::relative(it->path(), *old_ts_dir, ec).string());
    }
    for (const auto& [path, file] : files) {
      for (fs::path p = path; !p.empty(); p = p.parent_path()) to_remove.erase(p.string());
    }
  }

  // (4) Nothing to do when every file is already as wanted.
  bool should_write = !old_ts_dir.has_value() || !to_remove.empty();
  for (const auto& [path, file] : files) {
    if (should_write) break;
    should_write = should_write_file(*old_ts_dir / path, file);
  }
  if (!should_write) {
    // The user-visible links are re-created if someone removed one.
    for (const auto& [path, file] : files) {
      std::string top = path.substr(0, path.find('/'));
      fs::path link = target_dir / top;
      if (!fs::exists(fs::symlink_status(link, ec))) ::symlink((std::string(kDataDir) + "/" + top).c_str(), link.c_str());
    }
    return Ok{};
  }

  // (5) and (6): the new timestamped directory with the files.
  auto ts_dir = new_timestamp_dir(target_dir);
  if (!ts_dir) return ts_dir.error();
  auto fail = [&](Error e) -> Status {
    fs::remove_all(*ts_dir, ec);
    return e;
  };
  for (const auto& [path, file] : files) {
    fs::path full = *ts_dir / path;
    if (auto ok = make_dirs(full.parent_path()); !ok) return fail(ok.error());
    if (auto ok = write_file(full, file); !ok) return fail(ok.error());
  }

  // (7) Ownership and permissions for fsGroup.
  if (set_perms) {
    if (auto ok = set_perms(*ts_dir); !ok) return fail(ok.error());
  }

  // (8) and (9): ..data_tmp -> new dir, renamed over ..data in one step.
  fs::path tmp_link = target_dir / kDataDirTmp;
  ::unlink(tmp_link.c_str());
  if (::symlink(ts_dir->filename().c_str(), tmp_link.c_str()) != 0) {
    return fail(make_error(fmt::format("symlink {}: {}", tmp_link.string(), errno_text(errno))));
  }
  if (::rename(tmp_link.c_str(), data_link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_link.c_str());
    return fail(make_error(fmt::format("rename {} to {}: {}", tmp_link.string(), data_link.string(), errno_text(err))));
  }

  // (10) The per-name links, created once.
  for (const auto& [path, file] : files) {
    std::string top = path.substr(0, path.find('/'));
    fs::path link = target_dir / top;
    if (fs::exists(fs::symlink_status(link, ec))) continue;
    if (::symlink((std::string(kDataDir) + "/" + top).c_str(), link.c_str()) != 0) {
      return make_error(fmt::format("symlink {}: {}", link.string(), errno_text(errno)));
    }
  }

  // (11) Names that left the payload.
  for (const auto& path : to_remove) {
    if (path.find('/') != std::string::npos) continue;
    fs::remove(target_dir / path, ec);
    if (ec) return make_error(fmt::format("remove {}: {}", (target_dir / path).string(), ec.message()));
  }

  // (12) The old files.
  if (old_ts_dir) {
    fs::remove_all(*old_ts_dir, ec);
    if (ec) return make_error(fmt::format("remove {}: {}", old_ts_dir->string(), ec.message()));
  }
  return Ok{};
}

}  // namespace kscratch::kubelet::spec
