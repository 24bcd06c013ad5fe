// The everyday verbs beyond get/apply/describe: logs, wait, cordon, uncordon, drain,
// taint, cluster-info, expose, run, edit.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> everyday_verbs() { return {}; }

}  // namespace kscratch::kubectl
