// Container mounts (kubelet_pods.go makeMounts, kuberuntime's termination message mount
// and containerd's /etc files), ordered parents first as containerd orders them.

#include "kubelet/spec/mounts.h"

#include "kubelet/spec/expansion.h"
#include "kubelet/spec/json_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace kscratch::kubelet::spec {

namespace fs = std::filesystem;

namespace {

const char* kConfigError = "CreateContainerConfigError";

SpecError config_error(std::string message) { return SpecError{kConfigError, std::move(message)}; }

// ExpandContainerVolumeMounts: every reference must name a non-empty variable.
Expected<std::string> expand_sub_path_expr(const std::string& expr, const std::map<std::string, std::string>& env) {
  std::set<std::string> missing;
  std::string out = expand(expr, [&](const std::string& name) {
    auto it = env.find(name);
    if (it == env.end() || it->second.empty()) {
      missing.insert(name);
      return std::string();
    }
    return it->second;
  });
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    return make_error("missing value for " + names);
  }
  return out;
}

bool has_backsteps(const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0 && end - start == 2) return true;
    start = end + 1;
  }
  return false;
}

bool within(const fs::path& path, const fs::path& base) {
  auto p = path.string();
  auto b = base.string();
  return p == b || (p.size() > b.size() && p.compare(0, b.size(), b) == 0 && (b.back() == '/' || p[b.size()] == '/'));
}

// A subPath inside the volume: created as a directory (with the volume's mode) when
// missing, and refused when symlinks lead it out of the volume. Upstream goes further and
// bind-mounts the checked path through an open fd against races; here the container is
// not running yet while the path is checked.
Expected<fs::path> sub_path(const fs::path& volume, const std::string& sub) {
  fs::path host = volume / sub;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(host, ec))) {
    struct stat st {};
    mode_t mode = ::stat(volume.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0755;
    fs::path current = volume;
    for (const auto& part : fs::path(sub).lexically_normal()) {
      if (part.empty() || part == ".") continue;
      current /= part;
      if (fs::exists(fs::symlink_status(current, ec))) continue;
      if (::mkdir(current.c_str(), mode) != 0 && errno != EEXIST) {
        return make_error(fmt::format("mkdir {}: {}", current.string(), std::strerror(errno)));
      }
      ::chmod(current.c_str(), mode);
    }
  }
  auto real_volume = fs::canonical(volume, ec);
  if (ec) return make_error(fmt::format("{}: {}", volume.string(), ec.message()));
  auto real = fs::canonical(host, ec);
  if (ec) return make_error(fmt::format("{}: {}", host.string(), ec.message()));
  if (!within(real, real_volume)) return make_error(fmt::format("subpath {} is outside of the volume", sub));
  return real;
}

std::size_t depth(const std::string& path) {
  std::size_t n = 0;
  for (const auto& part : fs::path(path).lexically_normal()) {
    if (part != "/" && !part.empty()) ++n;
  }
  return n;
}

}  // namespace

std::filesystem::path termination_message_path(const std::filesystem::path& pod_dir, const std::string& container_name,
                                               const std::string& id) {
  return pod_dir / "containers" / container_name / id;
}

SpecResult<std::vector<containers::Mount>> container_mounts(const json::object& container, const Volumes& volumes,
                                                            const std::map<std::string, std::string>& env,
                                                            const MountInputs& inputs) {
  std::vector<containers::Mount> mounts;
  std::set<std::string> targets;
  std::string container_name = jsonu::str(container, "name");
  for (const auto& m : jsonu::arr(container, "volumeMounts")) {
    const auto& mount = jsonu::as_obj(m);
    std::string name = jsonu::str(mount, "name");
    auto volume = volumes.find(name);
    if (volume == volumes.end()) {
      return config_error(fmt::format("cannot find volume \"{}\" to mount into container \"{}\"", name, container_name));
    }
    fs::path host = volume->second.host_path;
    std::string sub = jsonu::str(mount, "subPath");
    if (std::string expr = jsonu::str(mount, "subPathExpr"); !expr.empty()) {
      auto expanded = expand_sub_path_expr(expr, env);
      if (!expanded) return config_error(expanded.error().message);
      sub = *expanded;
    }
    if (!sub.empty()) {
      if (sub.front() == '/') return config_error(fmt::format("error SubPath `{}` must not be an absolute path", sub));
      if (has_backsteps(sub)) {
        return config_error(fmt::format("unable to provision SubPath `{}`: must not contain '..'", sub));
      }
      auto resolved = sub_path(host, sub);
      if (!resolved) {
        return config_error(fmt::format("failed to create subPath directory for volumeMount \"{}\" of container \"{}\"",
                                        name, container_name));
      }
      host = *resolved;
    }
    std::string target = jsonu::str(mount, "mountPath");
    if (!target.starts_with("/")) target = "/" + target;
    std::string propagation = jsonu::str(mount, "mountPropagation");
    std::string mode = "rprivate";
    if (propagation == "HostToContainer") {
      mode = "rslave";
    } else if (propagation == "Bidirectional") {
      if (!inputs.privileged) {
        return config_error("Bidirectional mount propagation is available only to privileged containers");
      }
      mode = "rshared";
    } else if (!propagation.empty() && propagation != "None") {
      return config_error(fmt::format("invalid MountPropagation mode: {}", propagation));
    }
    // A missing source (an unchecked hostPath) becomes a directory, as containerd makes it.
    std::error_code exists_ec;
    if (!fs::exists(host, exists_ec)) {
      fs::create_directories(host, exists_ec);
      if (exists_ec) return config_error(fmt::format("create {}: {}", host.string(), exists_ec.message()));
    }
    bool read_only = jsonu::boolean(mount, "readOnly") || volume->second.read_only;
    mounts.push_back({target, host.string(), "bind", {"rbind", mode, read_only ? "ro" : "rw"}});
    targets.insert(fs::path(target).lexically_normal().string());
  }

  // The pod's files, unless the container mounts its own there. They follow the root
  // filesystem's writability, as containerd mounts them.
  const std::string etc_mode = inputs.read_only_root ? "ro" : "rw";
  for (const char* file : {"hosts", "hostname", "resolv.conf"}) {
    std::string target = std::string("/etc/") + file;
    if (targets.contains(target)) continue;
    // /etc/hosts is the kubelet's and always writable, as upstream's makeHostsMount.
    std::string m = std::string(file) == "hosts" ? "rw" : etc_mode;
    mounts.push_back({target, (inputs.pod_dir / "etc" / file).string(), "bind", {"rbind", "rprivate", m}});
  }

  // The termination message: a fresh file per container instance, writable by any user.
  std::string message_path = jsonu::str(container, "terminationMessagePath");
  if (message_path.empty()) message_path = "/dev/termination-log";
  if (!message_path.starts_with("/")) message_path = "/" + message_path;
  fs::path host_file = termination_message_path(inputs.pod_dir, container_name, inputs.container_id);
  std::error_code ec;
  fs::create_directories(host_file.parent_path(), ec);
  if (ec) return config_error(fmt::format("create {}: {}", host_file.parent_path().string(), ec.message()));
  int fd = ::open(host_file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) return config_error(fmt::format("create {}: {}", host_file.string(), std::strerror(errno)));
  ::close(fd);
  ::chmod(host_file.c_str(), 0666);
  mounts.push_back({message_path, host_file.string(), "bind", {"rbind", "rprivate", "rw"}});

  // Parents before children, else a later mount of a parent would hide a child.
  std::stable_sort(mounts.begin(), mounts.end(), [](const containers::Mount& a, const containers::Mount& b) {
    return depth(a.destination) < depth(b.destination);
  });
  return mounts;
}

}  // namespace kscratch::kubelet::spec
