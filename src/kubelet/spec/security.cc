// Security context merge and the runAsNonRoot check (kuberuntime/security_context*.go).

#include "kubelet/spec/security.h"

#include "kubelet/spec/json_util.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace kscratch::kubelet::spec {

namespace {

// A capability as the runtime takes it: upper case, no CAP_ prefix.
std::string capability(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.starts_with("CAP_")) name.erase(0, 4);
  return name;
}

// A field of the container's securityContext, else the pod's (the fields the pod level has).
std::optional<std::int64_t> merged_int(const json::object& pod_sc, const json::object& sc, std::string_view key) {
  if (auto v = jsonu::opt_int(sc, key)) return v;
  return jsonu::opt_int(pod_sc, key);
}

// format.Pod: name_namespace(uid).
std::string format_pod(const json::object& pod) {
  const auto& meta = jsonu::obj(pod, "metadata");
  return fmt::format("{}_{}({})", jsonu::str(meta, "name"), jsonu::str(meta, "namespace"), jsonu::str(meta, "uid"));
}

// The uid part of an image user ("1000", "1000:1000", "nobody:users"): a number, or
// nullopt for a name. An empty user is root.
std::optional<std::int64_t> image_uid(const std::string& user, std::string& name) {
  std::string part = user.substr(0, user.find(':'));
  if (part.empty()) return 0;
  std::int64_t uid = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), uid);
  if (ec == std::errc() && end == part.data() + part.size()) return uid;
  name = part;
  return std::nullopt;
}

}  // namespace

containers::Security effective_security(const json::object& pod, const json::object& container) {
  const auto& pod_sc = jsonu::obj(jsonu::obj(pod, "spec"), "securityContext");
  const auto& sc = jsonu::obj(container, "securityContext");
  containers::Security out;
  out.run_as_user = merged_int(pod_sc, sc, "runAsUser");
  out.run_as_group = merged_int(pod_sc, sc, "runAsGroup");
  if (auto fs_group = jsonu::opt_int(pod_sc, "fsGroup")) out.supplemental_groups.push_back(*fs_group);
  for (const auto& g : jsonu::arr(pod_sc, "supplementalGroups")) {
    if (g.is_int64()) out.supplemental_groups.push_back(g.get_int64());
    if (g.is_uint64()) out.supplemental_groups.push_back(static_cast<std::int64_t>(g.get_uint64()));
  }
  out.privileged = jsonu::boolean(sc, "privileged");
  const auto& caps = jsonu::obj(sc, "capabilities");
  for (const auto& c : jsonu::arr(caps, "add")) out.capabilities_add.push_back(capability(jsonu::as_str(c)));
  for (const auto& c : jsonu::arr(caps, "drop")) out.capabilities_drop.push_back(capability(jsonu::as_str(c)));
  out.read_only_root = jsonu::boolean(sc, "readOnlyRootFilesystem");
  // Only an explicit false sets no_new_privs (AddNoNewPrivileges).
  auto escalation = jsonu::opt_bool(sc, "allowPrivilegeEscalation");
  out.no_new_privileges = escalation.has_value() && !*escalation;
  return out;
}

SpecResult<Ok> verify_run_as_non_root(const json::object& pod, const json::object& container,
                                      const std::string& image_user) {
  const auto& pod_sc = jsonu::obj(jsonu::obj(pod, "spec"), "securityContext");
  const auto& sc = jsonu::obj(container, "securityContext");
  auto non_root = jsonu::opt_bool(sc, "runAsNonRoot");
  if (!non_root) non_root = jsonu::opt_bool(pod_sc, "runAsNonRoot");
  if (!non_root || !*non_root) return Ok{};
  std::string container_name = jsonu::str(container, "name");
  if (auto uid = merged_int(pod_sc, sc, "runAsUser")) {
    if (*uid == 0) {
      return SpecError{"CreateContainerConfigError",
                       fmt::format("container's runAsUser breaks non-root policy (pod: \"{}\", container: {})",
                                   format_pod(pod), container_name)};
    }
    return Ok{};
  }
  std::string user_name;
  auto uid = image_uid(image_user, user_name);
  if (uid && *uid == 0) {
    return SpecError{"CreateContainerConfigError",
                     fmt::format("container has runAsNonRoot and image will run as root (pod: \"{}\", container: {})",
                                 format_pod(pod), container_name)};
  }
  if (!uid) {
    return SpecError{"CreateContainerConfigError",
                     fmt::format("container has runAsNonRoot and image has non-numeric user ({}), cannot verify user "
                                 "is non-root (pod: \"{}\", container: {})",
                                 user_name, format_pod(pod), container_name)};
  }
  return Ok{};
}

}  // namespace kscratch::kubelet::spec
