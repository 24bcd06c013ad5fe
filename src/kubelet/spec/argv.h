#pragma once
// The container's argv: its command and args ($(VAR)-expanded against its environment)
// against the image's Entrypoint and Cmd, as the kubelet and containerd's CRI plugin
// together decide it.

#include "kscratch/images/images.h"
#include "kscratch/util/expected.h"

#include <map>
#include <string>
#include <vector>

namespace kscratch::kubelet::spec {

// command set: command + args; only args: entrypoint + args; neither: entrypoint + cmd.
// An error ("no command specified") when all of them are empty.
Expected<std::vector<std::string>> container_argv(const std::vector<std::string>& command,
                                                  const std::vector<std::string>& args,
                                                  const images::ImageConfig& image,
                                                  const std::map<std::string, std::string>& env);

}  // namespace kscratch::kubelet::spec
