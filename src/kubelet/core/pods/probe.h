#pragma once
// One run of a liveness, readiness or startup probe (upstream's pkg/kubelet/prober):
// httpGet (2xx and 3xx succeed), tcpSocket (a connection succeeds) or exec (exit 0
// succeeds), each within the probe's timeoutSeconds.

#include "kscratch/containers/runtime.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace kscratch::kubelet {

struct ProbeOutcome {
  bool success = false;
  std::string message;  // why it failed, as the Unhealthy event says
};

// probe: the container's livenessProbe/readinessProbe/startupProbe object.
boost::asio::awaitable<ProbeOutcome> run_probe(const boost::json::object& probe, const boost::json::object& container,
                                               const std::string& pod_ip, containers::Runtime& runtime,
                                               const std::string& container_id);

}  // namespace kscratch::kubelet
