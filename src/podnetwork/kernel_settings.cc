// /proc writes (see kernel_settings.h).

#include "kernel_settings.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kscratch::podnetwork {

namespace {

// Writes `value` unless the file already holds it (a write to a sysctl is cheap, but a
// read keeps idempotent calls from touching anything).
Status write_setting(const std::string& path, char value) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return make_error(fmt::format("open {}: {}", path, std::strerror(errno)));
  char current = 0;
  if (::read(fd, &current, 1) == 1 && current == value) {
    ::close(fd);
    return Ok{};
  }
  char line[2] = {value, '\n'};
  ssize_t n = ::pwrite(fd, line, sizeof line, 0);
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof line)) {
    return make_error(fmt::format("write {}: {}", path, n < 0 ? std::strerror(err) : "short write"));
  }
  return Ok{};
}

}  // namespace

Status enable_ip_forward() { return write_setting("/proc/sys/net/ipv4/ip_forward", '1'); }

}  // namespace kscratch::podnetwork
