// hostPath (pkg/volume/hostpath): the host's path itself, after upstream's type checks.

#include "kubelet/spec/json_util.h"
#include "kubelet/spec/volumes/volumes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace kscratch::kubelet::spec::volumes {

namespace {

// The file type through symlinks, as os.Stat; 0 when the path does not exist.
mode_t file_type(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & S_IFMT;
}

}  // namespace

Expected<PreparedVolume> host_path(const json::object& source) {
  std::string path = jsonu::str(source, "path");
  std::string type = jsonu::str(source, "type");
  mode_t kind = file_type(path);
  auto failed = [&](const char* what) {
    return make_error(fmt::format("hostPath type check failed: {} is not {}", path, what));
  };
  if (type.empty()) {
    // No checks: the path may not even exist (runc creates a missing bind source's target only).
  } else if (type == "DirectoryOrCreate" || type == "Directory") {
    if (kind == 0 && type == "DirectoryOrCreate") {
      std::error_code ec;
      fs::create_directories(path, ec);
      if (ec) return make_error(fmt::format("mkdir {}: {}", path, ec.message()));
      ::chmod(path.c_str(), 0755);
    } else if (kind != S_IFDIR) {
      return failed("a directory");
    }
  } else if (type == "FileOrCreate" || type == "File") {
    if (kind == 0 && type == "FileOrCreate") {
      // Only the file: its directory must exist, as upstream's makeFile.
      int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0) return make_error(fmt::format("open {}: {}", path, std::strerror(errno)));
      ::close(fd);
    } else if (kind != S_IFREG) {
      return failed("a file");
    }
  } else if (type == "Socket") {
    if (kind != S_IFSOCK) return failed("a socket file");
  } else if (type == "CharDevice") {
    if (kind != S_IFCHR) return failed("a character device");
  } else if (type == "BlockDevice") {
    if (kind != S_IFBLK) return failed("a block device");
  } else {
    return make_error(fmt::format("{} is an invalid volume type", type));
  }
  return PreparedVolume{fs::path(path), false};
}

}  // namespace kscratch::kubelet::spec::volumes
