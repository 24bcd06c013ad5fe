// Host-local address records (see ipam.h).

#include "ipam.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace kscratch::podnetwork {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLastReserved = "last_reserved_ip";

std::string read_trimmed(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// Writes `content` to `path` (created or truncated). No fsync: a record only has to
// outlive the process, not the machine. A crash of the process keeps what it wrote (the
// page cache is the kernel's), and after a power loss every namespace and veth is gone
// anyway, so no address on record is live. An fsync costs 10-15 ms here, most of an
// attach.
Status write_file(const fs::path& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("create {}: {}", path.string(), std::strerror(errno)));
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return make_error(fmt::format("write {}: {}", path.string(), std::strerror(err)));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return make_error(fmt::format("close {}: {}", path.string(), std::strerror(errno)));
  return Ok{};
}

}  // namespace

HostLocalIpam::HostLocalIpam(fs::path dir) : dir_(std::move(dir)) {}

Expected<bool> HostLocalIpam::try_claim(Ipv4Address address, const std::string& owner) {
  // The record is written under a temporary name and then hard-linked to the address's
  // name: link() fails with EEXIST exactly like open(O_CREAT|O_EXCL), but the record
  // appears with its content already in place, so a crash never leaves an empty record
  // whose owner nobody knows.
  fs::path tmp = dir_ / fmt::format(".claim-{}", owner);
  if (auto s = write_file(tmp, owner + "\n"); !s) return s.error();
  fs::path record = dir_ / address.to_string();
  int rc = ::link(tmp.c_str(), record.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc == 0) return true;
  if (err == EEXIST) return false;
  return make_error(fmt::format("record {}: {}", record.string(), std::strerror(err)));
}

std::optional<Ipv4Address> HostLocalIpam::last_reserved(const Ipv4Cidr& range) const {
  auto parsed = Ipv4Address::parse(read_trimmed(dir_ / kLastReserved));
  if (!parsed || !range.contains(*parsed)) return std::nullopt;
  return *parsed;
}

void HostLocalIpam::remember_last_reserved(Ipv4Address address) {
  // Only a hint for where to continue: losing it costs nothing but the round-robin order.
  fs::path tmp = dir_ / ".last_reserved_ip.tmp";
  if (write_file(tmp, address.to_string() + "\n")) {
    std::error_code ec;
    fs::rename(tmp, dir_ / kLastReserved, ec);
  }
}

Expected<Ipv4Address> HostLocalIpam::allocate(const Ipv4Cidr& range, const std::string& owner) {
  std::uint32_t count = range.pod_address_count();
  if (count == 0) return make_error(fmt::format("pod CIDR {} has no addresses for pods", range.to_string()));
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return make_error(fmt::format("create {}: {}", dir_.string(), ec.message()));

  // Re-adoption: an owner that has an address in the range keeps it; addresses from an
  // earlier range are dropped.
  std::optional<Ipv4Address> kept;
  for (const auto& a : allocations()) {
    if (a.owner != owner) continue;
    if (range.contains(a.address) && a.address.value >= range.first_pod_address().value &&
        a.address.value <= range.last_pod_address().value && !kept) {
      kept = a.address;
    } else {
      fs::remove(dir_ / a.address.to_string(), ec);
    }
  }
  if (kept) return *kept;

  std::uint32_t first = range.first_pod_address().value;
  std::uint32_t start = 0;  // offset from `first` where the search begins
  if (auto last = last_reserved(range); last && last->value >= first && last->value - first < count) {
    start = (last->value - first + 1) % count;
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    Ipv4Address candidate{first + (start + i) % count};
    auto claimed = try_claim(candidate, owner);
    if (!claimed) return claimed.error();
    if (*claimed) {
      remember_last_reserved(candidate);
      return candidate;
    }
  }
  return make_error(fmt::format("no free address in {} ({} in use)", range.to_string(), count));
}

std::optional<Ipv4Address> HostLocalIpam::find(const std::string& owner) const {
  for (const auto& a : allocations()) {
    if (a.owner == owner) return a.address;
  }
  return std::nullopt;
}

Status HostLocalIpam::release(const std::string& owner) {
  for (const auto& a : allocations()) {
    if (a.owner != owner) continue;
    std::error_code ec;
    fs::remove(dir_ / a.address.to_string(), ec);
    if (ec) return make_error(fmt::format("free {}: {}", a.address.to_string(), ec.message()));
  }
  return Ok{};
}

std::vector<Allocation> HostLocalIpam::allocations() const {
  std::vector<Allocation> result;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    // Records are named after their address; anything else (the round-robin hint, a
    // claim being written) is not a record.
    auto address = Ipv4Address::parse(it->path().filename().string());
    if (!address) continue;
    result.push_back(Allocation{*address, read_trimmed(it->path())});
  }
  std::sort(result.begin(), result.end(), [](const Allocation& a, const Allocation& b) { return a.address < b.address; });
  return result;
}

Status HostLocalIpam::clear() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (ec) return make_error(fmt::format("remove {}: {}", dir_.string(), ec.message()));
  return Ok{};
}

}  // namespace kscratch::podnetwork
