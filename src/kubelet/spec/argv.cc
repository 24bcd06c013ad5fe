// Command and args against the image: kubecontainer.ExpandContainerCommandAndArgs (the
// kubelet) followed by containerd's defaulting to the image's Entrypoint and Cmd.

#include "kubelet/spec/argv.h"

#include "kubelet/spec/expansion.h"

namespace kscratch::kubelet::spec {

Expected<std::vector<std::string>> container_argv(const std::vector<std::string>& command,
                                                  const std::vector<std::string>& args,
                                                  const images::ImageConfig& image,
                                                  const std::map<std::string, std::string>& env) {
  auto mapping = mapping_for({&env});
  std::vector<std::string> cmd, arg;
  for (const auto& c : command) cmd.push_back(expand(c, mapping));
  for (const auto& a : args) arg.push_back(expand(a, mapping));
  // The image's defaults apply only when the pod gives no command: a pod's args alone
  // replace the image's Cmd but keep its Entrypoint. An Entrypoint of [""] is Docker's
  // way to say "none".
  if (cmd.empty()) {
    if (arg.empty()) arg = image.cmd;
    if (!(image.entrypoint.size() == 1 && image.entrypoint[0].empty())) cmd = image.entrypoint;
  }
  if (cmd.empty() && arg.empty()) return make_error("no command specified");
  cmd.insert(cmd.end(), arg.begin(), arg.end());
  return cmd;
}

}  // namespace kscratch::kubelet::spec
