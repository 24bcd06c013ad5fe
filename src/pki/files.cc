#include "files.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kscratch::pki::detail {

namespace fs = std::filesystem;

namespace {

Error errno_error(std::string_view what, const fs::path& file) {
  return Error{fmt::format("{} {}: {}", what, file.string(), std::strerror(errno))};
}

mode_t to_mode(fs::perms mode) { return static_cast<mode_t>(mode & fs::perms::mask); }

// Closes a descriptor on scope exit, so every early return releases it.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Expected<std::optional<std::string>> read_file_if_exists(const fs::path& file) {
  std::error_code ec;
  fs::file_status status = fs::status(file, ec);
  if (status.type() == fs::file_type::not_found) return std::optional<std::string>();
  if (ec) return Error{fmt::format("cannot stat {}: {}", file.string(), ec.message())};
  if (!fs::is_regular_file(status)) return Error{fmt::format("{} is not a regular file", file.string())};
  std::ifstream in(file, std::ios::binary);
  if (!in) return errno_error("cannot open", file);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return errno_error("cannot read", file);
  return std::optional<std::string>(content.str());
}

Status make_directories(const fs::path& dir, fs::perms mode) {
  if (dir.empty()) return Ok{};
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Ok{};
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    Status parent = make_directories(dir.parent_path(), mode);
    if (!parent) return parent;
  }
  if (::mkdir(dir.c_str(), to_mode(mode)) != 0 && errno != EEXIST) return errno_error("cannot create directory", dir);
  return Ok{};
}

Status write_file_atomic(const fs::path& file, std::string_view content, fs::perms mode) {
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  fs::path temp = dir / fmt::format(".{}.tmp-{}", file.filename().string(), ::getpid());
  {
    Fd out{::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, to_mode(mode))};
    if (out.fd < 0) return errno_error("cannot create", temp);
    // The umask may have narrowed the mode at open, and O_TRUNC keeps an old file's mode.
    if (::fchmod(out.fd, to_mode(mode)) != 0) return errno_error("cannot chmod", temp);
    std::size_t written = 0;
    while (written < content.size()) {
      ssize_t n = ::write(out.fd, content.data() + written, content.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Error error = errno_error("cannot write", temp);
        ::unlink(temp.c_str());
        return error;
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(out.fd) != 0) {
      Error error = errno_error("cannot fsync", temp);
      ::unlink(temp.c_str());
      return error;
    }
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    Error error = errno_error("cannot rename into place", file);
    ::unlink(temp.c_str());
    return error;
  }
  // The rename is durable only once the directory entry is on disk.
  Fd dir_fd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir_fd.fd >= 0) ::fsync(dir_fd.fd);
  return Ok{};
}

}  // namespace kscratch::pki::detail
