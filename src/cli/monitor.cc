// `kscratch monitor`: the per-container monitor the kubelet's runtime starts (like CRI-O's
// conmon); it lives in the containers component.

#include "kscratch/containers/runtime.h"
#include "roles.h"

namespace kscratch::cli {

int run_monitor(const std::vector<std::string>& args) { return containers::run_monitor(args); }

}  // namespace kscratch::cli
