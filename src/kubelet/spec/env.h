#pragma once
// The container's environment: kubelet_pods.go makeEnvironmentVariables (envFrom, env with
// $(VAR) expansion and valueFrom, service links) and containerd's merge with the image's
// environment.

#include "kubelet/spec/fieldpath.h"
#include "kubelet/spec/objects.h"
#include "kubelet/spec/spec.h"

#include <map>
#include <string>
#include <vector>

namespace kscratch::kubelet::spec {

struct EnvVar {
  std::string name;
  std::string value;
};

// Service link variables (FOO_SERVICE_HOST, FOO_PORT_80_TCP, ...) of services that have a
// cluster IP, as pkg/kubelet/envvars FromServices.
std::vector<EnvVar> env_from_services(const std::vector<json::object>& services);

// getServiceEnvVarMap: the pod namespace's services when enableServiceLinks (default true),
// and always the `kubernetes` service of `default`.
boost::asio::awaitable<SpecResult<std::map<std::string, std::string>>> service_env(const json::object& pod,
                                                                                   ObjectSource& source);

// The kubelet's variables for the container, in a stable order: envFrom keys, then env in
// declaration order (a later definition of a name replaces the value in place), then the
// service variables no other source defined, by name.
boost::asio::awaitable<SpecResult<std::vector<EnvVar>>> make_environment(const json::object& pod,
                                                                        const json::object& container,
                                                                        const PodPlacement& placement,
                                                                        const NodeAllocatable& node,
                                                                        ObjectCache& objects, ObjectSource& source);

// containerd's oci.WithEnv: overrides replace a default of the same name in place, new
// names are appended.
std::vector<std::string> replace_or_append_env(const std::vector<std::string>& defaults,
                                               const std::vector<std::string>& overrides);

// The final "K=V" list as the runtime gets it: PATH default, HOSTNAME, the image's
// environment, then the kubelet's variables (containerd's order of application).
std::vector<std::string> final_environment(const std::vector<std::string>& image_env, const std::string& hostname,
                                           const std::vector<EnvVar>& kubelet_env);

// A name an environment can hold: printable ASCII without '=' (upstream's relaxed
// validation, the default since 1.32).
bool is_env_var_name(std::string_view name);

}  // namespace kscratch::kubelet::spec
