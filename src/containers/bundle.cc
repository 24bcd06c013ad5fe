#include "bundle.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <cctype>
#include <fstream>
#include <set>

namespace kscratch::containers {

namespace json = boost::json;

const std::vector<std::string>& default_capabilities() {
  static const std::vector<std::string> caps = {
      "CHOWN",  "DAC_OVERRIDE", "FSETID",  "FOWNER",           "MKNOD",      "NET_RAW",    "SETGID",
      "SETUID", "SETFCAP",      "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",       "AUDIT_WRITE"};
  return caps;
}

const std::vector<std::string>& all_capabilities() {
  // In the kernel's order (capability numbers 0 to 40).
  static const std::vector<std::string> caps = {
      "CHOWN",          "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",      "FSETID",        "KILL",
      "SETGID",         "SETUID",       "SETPCAP",         "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
      "NET_ADMIN",      "NET_RAW",      "IPC_LOCK",        "IPC_OWNER",   "SYS_MODULE",    "SYS_RAWIO",
      "SYS_CHROOT",     "SYS_PTRACE",   "SYS_PACCT",       "SYS_ADMIN",   "SYS_BOOT",      "SYS_NICE",
      "SYS_RESOURCE",   "SYS_TIME",     "SYS_TTY_CONFIG",  "MKNOD",       "LEASE",         "AUDIT_WRITE",
      "AUDIT_CONTROL",  "SETFCAP",      "MAC_OVERRIDE",    "MAC_ADMIN",   "SYSLOG",        "WAKE_ALARM",
      "BLOCK_SUSPEND",  "AUDIT_READ",   "PERFMON",         "BPF",         "CHECKPOINT_RESTORE"};
  return caps;
}

namespace {

// "net_admin", "CAP_NET_ADMIN" and "NET_ADMIN" all name CAP_NET_ADMIN.
std::string normalize_capability(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.rfind("CAP_", 0) == 0) name.erase(0, 4);
  return name;
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v) a.emplace_back(s);
  return a;
}

json::object mount(const std::string& destination, const std::string& type, const std::string& source,
                   const std::vector<std::string>& options) {
  return {{"destination", destination}, {"type", type}, {"source", source}, {"options", to_array(options)}};
}

}  // namespace

std::vector<std::string> current_capabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    auto bits = std::stoull(line.substr(7), nullptr, 16);
    std::vector<std::string> out;
    const auto& all = all_capabilities();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (bits & (1ull << i)) out.push_back(all[i]);
    }
    return out;
  }
  return all_capabilities();
}

std::vector<std::string> effective_capabilities(const Security& security, const std::vector<std::string>& all_in) {
  const auto& all = all_in.empty() ? all_capabilities() : all_in;
  // containerd's order: "ALL" in add, then "ALL" in drop, then single adds, then single
  // drops, so that add ALL + drop CHOWN is everything but CHOWN.
  std::vector<std::string> caps = security.privileged ? all : default_capabilities();
  auto has_all = [](const std::vector<std::string>& v) {
    return std::any_of(v.begin(), v.end(), [](const std::string& c) { return normalize_capability(c) == "ALL"; });
  };
  if (has_all(security.capabilities_add)) caps = all;
  if (has_all(security.capabilities_drop)) caps.clear();
  for (auto& c : security.capabilities_add) {
    auto n = normalize_capability(c);
    if (n != "ALL" && std::find(caps.begin(), caps.end(), n) == caps.end()) caps.push_back(n);
  }
  for (auto& c : security.capabilities_drop) {
    auto n = normalize_capability(c);
    if (n != "ALL") caps.erase(std::remove(caps.begin(), caps.end(), n), caps.end());
  }
  std::vector<std::string> out;
  out.reserve(caps.size());
  for (auto& c : caps) out.push_back("CAP_" + c);
  return out;
}

json::object make_oci_config(const ContainerSpec& spec, const BundleInputs& in) {
  const auto& sec = spec.security;

  // process
  json::object user{{"uid", in.user.uid}, {"gid", in.user.gid}};
  if (!in.user.additional_gids.empty()) {
    json::array gids;
    for (auto g : in.user.additional_gids) gids.emplace_back(g);
    user["additionalGids"] = std::move(gids);
  }
  std::vector<std::string> env = spec.env;
  if (std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("PATH=", 0) == 0; })) {
    env.insert(env.begin(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }
  auto caps = to_array(effective_capabilities(sec, in.available_capabilities));
  json::object process{
      // Without a terminal the container's stdio are the monitor's pipes; with one, the
      // monitor reads the terminal runc hands it.
      {"terminal", spec.tty},
      {"user", std::move(user)},
      {"args", to_array(spec.args)},
      {"env", to_array(env)},
      {"cwd", spec.working_dir.empty() ? std::string("/") : spec.working_dir},
      {"capabilities",
       {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
      {"rlimits", json::array{json::object{{"type", "RLIMIT_NOFILE"}, {"hard", in.nofile_limit}, {"soft", in.nofile_limit}}}},
      {"noNewPrivileges", sec.no_new_privileges && !sec.privileged},
  };
  // Never an apparmorProfile: this machine has no AppArmor and runc would fail to start.

  // mounts: runc spec's defaults unless the kubelet mounts something at the same place.
  std::set<std::string> taken;
  for (auto& m : spec.mounts) taken.insert(m.destination);
  json::array mounts;
  auto add_default = [&](json::object m) {
    if (!taken.count(std::string(m["destination"].as_string()))) mounts.push_back(std::move(m));
  };
  std::vector<std::string> sys_opts = {"nosuid", "noexec", "nodev"};
  if (!sec.privileged) sys_opts.push_back("ro");
  add_default(mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}));
  add_default(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
  add_default(mount("/dev/pts", "devpts", "devpts",
                    {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
  add_default(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
  add_default(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
  add_default(mount("/sys", "sysfs", "sysfs", sys_opts));
  auto cgroup_opts = sys_opts;
  cgroup_opts.push_back("relatime");
  add_default(mount("/sys/fs/cgroup", "cgroup", "cgroup", cgroup_opts));
  for (auto& m : spec.mounts) {
    auto options = m.options;
    if (m.type == "bind" &&
        std::none_of(options.begin(), options.end(), [](const std::string& o) { return o == "bind" || o == "rbind"; })) {
      options.insert(options.begin(), "rbind");
    }
    mounts.push_back(mount(m.destination, m.type, m.source, options));
  }

  // linux
  json::array namespaces{json::object{{"type", "pid"}}, json::object{{"type", "ipc"}},
                         json::object{{"type", "mount"}}};
  if (spec.netns) {
    namespaces.push_back(json::object{{"type", "network"}, {"path", spec.netns->string()}});
    namespaces.push_back(json::object{{"type", "uts"}});
  }
  // A host-network pod shares the host's network and its host name, as upstream.

  json::object resources;
  json::array device_rules;
  if (sec.privileged) {
    device_rules.push_back(json::object{{"allow", true}, {"access", "rwm"}});
  } else {
    // Deny everything; runc adds the standard devices (null, zero, full, tty, random, ...).
    device_rules.push_back(json::object{{"allow", false}, {"access", "rwm"}});
  }
  resources["devices"] = std::move(device_rules);
  const auto& r = spec.resources;
  if (r.memory_limit_bytes) resources["memory"] = json::object{{"limit", *r.memory_limit_bytes}};
  json::object cpu;
  if (r.cpu_shares) cpu["shares"] = *r.cpu_shares;
  if (r.cpu_quota_us) cpu["quota"] = *r.cpu_quota_us;
  if (r.cpu_period_us) cpu["period"] = *r.cpu_period_us;
  if (!cpu.empty()) resources["cpu"] = std::move(cpu);
  if (r.pids_limit) resources["pids"] = json::object{{"limit", *r.pids_limit}};

  // The cgroup path must be absolute: a relative one nests the container under the
  // caller's own cgroup.
  std::string parent = spec.cgroup_parent.empty() ? std::string("/kscratch") : spec.cgroup_parent;
  if (parent.front() != '/') parent.insert(parent.begin(), '/');
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  json::object linux_{
      {"namespaces", std::move(namespaces)},
      {"resources", std::move(resources)},
      {"cgroupsPath", parent + "/" + spec.id},
  };
  if (sec.privileged) {
    json::array devices;
    for (auto& d : in.host_devices) {
      devices.push_back(json::object{{"path", d.path},
                                     {"type", std::string(1, d.type)},
                                     {"major", d.major},
                                     {"minor", d.minor},
                                     {"fileMode", d.file_mode},
                                     {"uid", d.uid},
                                     {"gid", d.gid}});
    }
    if (!devices.empty()) linux_["devices"] = std::move(devices);
  } else {
    linux_["maskedPaths"] = json::array{"/proc/acpi",       "/proc/asound",       "/proc/kcore",
                                        "/proc/keys",       "/proc/latency_stats", "/proc/timer_list",
                                        "/proc/timer_stats", "/proc/sched_debug",  "/sys/firmware",
                                        "/proc/scsi"};
    linux_["readonlyPaths"] =
        json::array{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  }

  json::object annotations{{"io.kubernetes.pod.name", spec.pod_name},
                           {"io.kubernetes.pod.namespace", spec.pod_namespace},
                           {"io.kubernetes.pod.uid", spec.pod_uid},
                           {"io.kubernetes.container.name", spec.container_name}};

  json::object config{
      {"ociVersion", "1.0.2-dev"},
      {"process", std::move(process)},
      {"root", {{"path", in.rootfs.string()}, {"readonly", sec.read_only_root}}},
      {"mounts", std::move(mounts)},
      {"linux", std::move(linux_)},
      {"annotations", std::move(annotations)},
  };
  if (spec.netns && !spec.hostname.empty()) config["hostname"] = spec.hostname;
  return config;
}

std::uint64_t container_nofile_limit() {
  constexpr std::uint64_t kWanted = 1048576;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    auto caps = std::stoull(line.substr(7), nullptr, 16);
    if (caps & (1ull << 24)) return kWanted;  // CAP_SYS_RESOURCE: raising is allowed
  }
  rlimit current{};
  if (::getrlimit(RLIMIT_NOFILE, &current) != 0 || current.rlim_max == RLIM_INFINITY) return kWanted;
  return std::min<std::uint64_t>(kWanted, current.rlim_max);
}

std::vector<DeviceNode> list_host_devices() {
  std::vector<DeviceNode> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/dev", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) continue;
    auto name = it->path().filename().string();
    // The container has its own console and pseudo-terminals.
    if (name == "console" || name == "ptmx" || name.rfind("tty", 0) == 0) continue;
    out.push_back({it->path().string(), S_ISCHR(st.st_mode) ? 'c' : 'b', static_cast<std::int64_t>(major(st.st_rdev)),
                   static_cast<std::int64_t>(minor(st.st_rdev)), static_cast<std::uint32_t>(st.st_mode & 07777),
                   st.st_uid, st.st_gid});
  }
  std::sort(out.begin(), out.end(), [](const DeviceNode& a, const DeviceNode& b) { return a.path < b.path; });
  return out;
}

}  // namespace kscratch::containers
