#pragma once
// What every part of the kubelet shares: the node's runtime, network, images, API client
// and options. Owned by run_kubelet; pod workers and probes borrow it (a TaskGroup
// guarantees none outlives it).

#include "kscratch/client/client.h"
#include "kscratch/client/events.h"
#include "kscratch/containers/runtime.h"
#include "kscratch/images/images.h"
#include "kscratch/kubelet/kubelet.h"
#include "kscratch/podnetwork/podnetwork.h"
#include "kscratch/runtime/task_group.h"
#include "kubelet/spec/spec.h"
#include "pods/backoff.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>

namespace kscratch::kubelet {

namespace json = boost::json;

struct KubeletContext {
  boost::asio::any_io_executor executor;
  client::Client& client;
  client::EventRecorder& events;
  images::ImageService& images;
  podnetwork::PodNetwork& network;
  containers::Runtime& runtime;
  spec::ObjectSource& objects;
  runtime::TaskGroup& tasks;
  const KubeletOptions& options;
  const HostNames& names;
  std::string node_ip;
  bool network_ready = false;  // the bridge is up for the node's pod CIDR
  // Crash loops and image pulls back off per pod and container (upstream: 10 s to 5 min).
  Backoff crash_backoff{std::chrono::seconds(10), std::chrono::seconds(300)};
  Backoff image_backoff{std::chrono::seconds(10), std::chrono::seconds(300)};

  std::filesystem::path pod_dir(const std::string& uid) const {
    return options.data_dir / "agent" / "kubelet" / "pods" / uid;
  }
};

}  // namespace kscratch::kubelet
