// kubectl exec.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> exec_verbs() { return {}; }

}  // namespace kscratch::kubectl
