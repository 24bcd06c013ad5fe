#include "kscratch/version.h"
#include "roles.h"

#include <fmt/format.h>

namespace kscratch::cli {

int run_version() {
  fmt::print("kscratch version {} (Kubernetes {})\n", kVersion, kKubernetesVersion);
  return 0;
}

}  // namespace kscratch::cli
