#pragma once
// The kubelet's own HTTPS server (upstream's :10250): container logs and exec for the
// apiserver, which forwards `kubectl logs` and `kubectl exec` here. Only clients with a
// certificate of the cluster CA (the apiserver's kubelet-client credential) get in.

#include "kscratch/containers/runtime.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace kscratch::kubelet {

// Where a pod's container is, as the kubelet core knows it.
struct ContainerLocation {
  std::string container_id;           // the runtime's id
  std::filesystem::path log_path;     // its CRI log file
  bool running = false;
};

class ContainerDirectory {
 public:
  virtual ~ContainerDirectory() = default;
  // The current container (or, with previous, the one before it) of a pod's container;
  // container empty means the pod's only container. nullopt: no such pod or container.
  virtual std::optional<ContainerLocation> find(const std::string& ns, const std::string& pod,
                                                const std::string& container, bool previous) const = 0;
};

struct KubeletServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 10250;
  std::filesystem::path cert_dir;        // the serving certificate, made on first start
  std::filesystem::path client_ca_file;  // verifies the apiserver's client certificate
};

// Serves until cancelled.
boost::asio::awaitable<void> run_kubelet_server(boost::asio::any_io_executor executor, KubeletServerOptions options,
                                                const ContainerDirectory& directory, containers::Runtime& runtime);

}  // namespace kscratch::kubelet
