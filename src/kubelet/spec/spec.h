#pragma once
// From a pod to what the runtime runs: the container's argv (command/args against the
// image's Entrypoint/Cmd), its environment (env, envFrom, downward API, configMap and
// secret keys, service links, $(VAR) expansion), security context, resources as cgroup
// limits, volumes prepared on the host and the mounts that bring them in, and the pod's
// /etc/hosts, /etc/resolv.conf and /etc/hostname. Upstream: pkg/kubelet/kuberuntime
// (container args and env), pkg/volume (emptyDir, hostPath, configMap, secret, downwardAPI,
// projected) and pkg/kubelet/network/dns.

#include "kscratch/client/client.h"
#include "kscratch/containers/runtime.h"
#include "kscratch/images/images.h"
#include "kscratch/util/expected.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::kubelet::spec {

namespace json = boost::json;

// Objects a pod refers to, read through the API (the kubelet's client; a fake in tests).
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  virtual boost::asio::awaitable<client::Result<json::object>> config_map(const std::string& ns,
                                                                          const std::string& name) = 0;
  virtual boost::asio::awaitable<client::Result<json::object>> secret(const std::string& ns,
                                                                      const std::string& name) = 0;
  // The services of a namespace, for the service-link environment variables.
  virtual boost::asio::awaitable<client::Result<std::vector<json::object>>> services(const std::string& ns) = 0;
};

// What the kubelet knows about where the pod runs.
struct PodPlacement {
  std::string node_name;
  std::string host_ip;
  std::string pod_ip;
  std::vector<std::string> cluster_dns = {"10.43.0.10"};
  std::string cluster_domain = "cluster.local";
};

// A volume once prepared on the host.
struct PreparedVolume {
  std::filesystem::path host_path;
  bool read_only = false;  // secret, configMap, downwardAPI, projected are always mounted read-only
};
using Volumes = std::map<std::string, PreparedVolume>;

// A failure the kubelet reports as the container's waiting reason
// (CreateContainerConfigError for a missing configMap key, ...).
struct SpecError {
  std::string reason;
  std::string message;
};
template <class T>
using SpecResult = Expected<T, SpecError>;

// Prepares every volume of the pod under pod_dir/volumes/... (emptyDir, medium Memory as a
// tmpfs; hostPath with its type checks; configMap, secret, downwardAPI, projected files
// with modes and items, written atomically as upstream's ..data symlink swap). Idempotent:
// a second call refreshes the files and keeps emptyDirs.
boost::asio::awaitable<SpecResult<Volumes>> prepare_volumes(const json::object& pod, const std::filesystem::path& pod_dir,
                                                            const PodPlacement& placement, ObjectSource& source);
// Unmounts and removes what prepare_volumes made (never a hostPath's contents).
Status cleanup_volumes(const std::filesystem::path& pod_dir);

// Writes pod_dir/etc/{hosts,resolv.conf,hostname} as upstream's kubelet does
// (hostNetwork pods get the host's resolv.conf and hosts).
Status write_pod_etc_files(const json::object& pod, const std::filesystem::path& pod_dir, const PodPlacement& placement);

// The inputs of one container's spec, beyond the pod.
struct ContainerInputs {
  std::string id;
  int attempt = 0;
  std::string cgroup_parent;
  std::optional<std::filesystem::path> netns;
  std::filesystem::path log_path;
  std::filesystem::path pod_dir;
};

// Where the termination message of one container instance is kept on the host (bind-mounted
// at its terminationMessagePath): pod_dir/containers/<container>/<id>.
std::filesystem::path termination_message_path(const std::filesystem::path& pod_dir, const std::string& container_name,
                                               const std::string& id);

// Labels build_container_spec puts on every container, for re-adoption after a restart
// (upstream keeps the first four as CRI labels and the others as annotations).
inline constexpr const char* kLabelPodUid = "io.kubernetes.pod.uid";
inline constexpr const char* kLabelPodName = "io.kubernetes.pod.name";
inline constexpr const char* kLabelPodNamespace = "io.kubernetes.pod.namespace";
inline constexpr const char* kLabelContainerName = "io.kubernetes.container.name";
inline constexpr const char* kLabelRestartCount = "io.kubernetes.container.restartCount";
inline constexpr const char* kLabelTerminationMessagePath = "io.kubernetes.container.terminationMessagePath";
inline constexpr const char* kLabelTerminationMessagePolicy = "io.kubernetes.container.terminationMessagePolicy";
// The host file behind terminationMessagePath (termination_message_path()).
inline constexpr const char* kLabelTerminationMessageHostPath = "io.kscratch.container.terminationMessageHostPath";

// The whole spec of one container of the pod (an init or app container object).
boost::asio::awaitable<SpecResult<containers::ContainerSpec>> build_container_spec(
    const json::object& pod, const json::object& container, const images::Image& image, const Volumes& volumes,
    const PodPlacement& placement, const ContainerInputs& inputs, ObjectSource& source);

}  // namespace kscratch::kubelet::spec
