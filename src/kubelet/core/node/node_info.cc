#include "node_info.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>
#include <thread>

namespace kscratch::kubelet {

namespace {

std::string first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

std::int64_t meminfo_total() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemTotal:") return kib * 1024;
  }
  return 0;
}

std::string os_pretty_name() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      auto v = line.substr(12);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return "Linux";
}

// `runc --version` says "runc version 1.1.5+ds1": the version without its suffix.
std::string runc_version(const std::string& runc) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(fmt::format("{} --version 2>/dev/null", runc).c_str(), "r"), ::pclose);
  if (!p) return "unknown";
  char buf[256] = {};
  if (!std::fgets(buf, sizeof buf, p.get())) return "unknown";
  std::istringstream words(buf);
  std::string w1, w2, version;
  words >> w1 >> w2 >> version;
  auto plus = version.find_first_of("+-~");
  if (plus != std::string::npos) version.resize(plus);
  return version.empty() ? "unknown" : version;
}

}  // namespace

MachineInfo read_machine_info(const std::filesystem::path& data_dir, const std::string& runc) {
  MachineInfo m;
  m.cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  m.memory_bytes = meminfo_total();
  struct statvfs fs {};
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (::statvfs(data_dir.c_str(), &fs) == 0) {
    m.ephemeral_storage_bytes = static_cast<std::int64_t>(fs.f_blocks) * static_cast<std::int64_t>(fs.f_frsize);
  }
  struct utsname u {};
  if (::uname(&u) == 0) m.kernel_version = u.release;
  m.os_image = os_pretty_name();
  m.machine_id = first_line("/etc/machine-id");
  m.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  m.runc_version = runc_version(runc);
  return m;
}

std::string default_node_ip() {
  // /proc/net/route: the interface whose destination is 00000000 carries the default route.
  std::ifstream routes("/proc/net/route");
  std::string line, iface;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    std::istringstream f(line);
    std::string name, destination;
    f >> name >> destination;
    if (destination == "00000000") {
      iface = name;
      break;
    }
  }
  std::string ip = "127.0.0.1";
  if (iface.empty()) return ip;
  struct ifaddrs* addrs = nullptr;
  if (::getifaddrs(&addrs) != 0) return ip;
  for (auto* a = addrs; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || iface != a->ifa_name) continue;
    char buf[INET_ADDRSTRLEN] = {};
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf)) {
      ip = buf;
      break;
    }
  }
  ::freeifaddrs(addrs);
  return ip;
}

std::string default_node_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
  std::string name(buf);
  // Node names are DNS subdomains: lower case.
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace kscratch::kubelet
