// build_container_spec: kuberuntime's generateContainerConfig, with the parts containerd
// adds (image defaults for argv, env and working dir; /etc files) done here too, since
// the runtime below takes a fully resolved spec.

#include "kubelet/spec/argv.h"
#include "kubelet/spec/env.h"
#include "kubelet/spec/etc_files.h"
#include "kubelet/spec/json_util.h"
#include "kubelet/spec/mounts.h"
#include "kubelet/spec/resources.h"
#include "kubelet/spec/security.h"

namespace kscratch::kubelet::spec {

boost::asio::awaitable<SpecResult<containers::ContainerSpec>> build_container_spec(
    const json::object& pod, const json::object& container, const images::Image& image, const Volumes& volumes,
    const PodPlacement& placement, const ContainerInputs& inputs, ObjectSource& source) {
  const auto& meta = jsonu::obj(pod, "metadata");
  const auto& pod_spec = jsonu::obj(pod, "spec");
  containers::ContainerSpec spec;
  spec.id = inputs.id;
  spec.pod_uid = jsonu::str(meta, "uid");
  spec.pod_namespace = jsonu::str(meta, "namespace");
  spec.pod_name = jsonu::str(meta, "name");
  spec.container_name = jsonu::str(container, "name");
  spec.attempt = inputs.attempt;
  spec.image_layers = image.layers;
  spec.image_user = image.config.user;

  ObjectCache objects(source, spec.pod_namespace);
  auto env = co_await make_environment(pod, container, placement, node_allocatable(), objects, source);
  if (!env) co_return env.error();
  std::map<std::string, std::string> env_map;
  for (const auto& var : *env) env_map[var.name] = var.value;

  if (auto ok = verify_run_as_non_root(pod, container, image.config.user); !ok) co_return ok.error();
  spec.security = effective_security(pod, container);

  auto resources = container_resources(container);
  if (!resources) co_return SpecError{"CreateContainerConfigError", resources.error().message};
  spec.resources = *resources;

  // An empty argv is the runtime's complaint upstream (containerd), hence its reason.
  auto argv = container_argv(jsonu::strings(container, "command"), jsonu::strings(container, "args"), image.config,
                             env_map);
  if (!argv) co_return SpecError{"CreateContainerError", argv.error().message};
  spec.args = std::move(*argv);

  bool host_network = jsonu::boolean(pod_spec, "hostNetwork");
  spec.hostname = host_network ? placement.node_name : pod_hostname(pod, placement).hostname;
  spec.env = final_environment(image.config.env, spec.hostname, *env);
  spec.working_dir = jsonu::str(container, "workingDir");
  if (spec.working_dir.empty()) spec.working_dir = image.config.working_dir;

  MountInputs mount_inputs{inputs.pod_dir, inputs.id, spec.security.read_only_root, spec.security.privileged};
  auto mounts = container_mounts(container, volumes, env_map, mount_inputs);
  if (!mounts) co_return mounts.error();
  spec.mounts = std::move(*mounts);

  spec.netns = inputs.netns;
  spec.cgroup_parent = inputs.cgroup_parent;
  spec.log_path = inputs.log_path;
  spec.stdin_open = jsonu::boolean(container, "stdin");
  spec.tty = jsonu::boolean(container, "tty");

  std::string message_path = jsonu::str(container, "terminationMessagePath");
  if (message_path.empty()) message_path = "/dev/termination-log";
  std::string message_policy = jsonu::str(container, "terminationMessagePolicy");
  if (message_policy.empty()) message_policy = "File";
  spec.labels = {
      {kLabelPodUid, spec.pod_uid},
      {kLabelPodName, spec.pod_name},
      {kLabelPodNamespace, spec.pod_namespace},
      {kLabelContainerName, spec.container_name},
      {kLabelRestartCount, std::to_string(inputs.attempt)},
      {kLabelTerminationMessagePath, message_path},
      {kLabelTerminationMessagePolicy, message_policy},
      {kLabelTerminationMessageHostPath,
       termination_message_path(inputs.pod_dir, spec.container_name, inputs.id).string()},
  };
  co_return spec;
}

}  // namespace kscratch::kubelet::spec
