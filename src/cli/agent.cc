#include "kscratch/util/log.h"
#include "roles.h"

namespace kscratch::cli {

int run_agent(const AgentConfig& config) {
  log::set_verbosity(config.verbosity);
  // NOTE: the node components (kubelet, proxy) are not built yet; saying so plainly is
  // better than a process that runs and does nothing.
  log::error("agent", "cannot join {}: this kscratch build has no kubelet or proxy yet", config.server);
  return 1;
}

}  // namespace kscratch::cli
