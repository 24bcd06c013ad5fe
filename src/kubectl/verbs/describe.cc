// `kubectl describe`, `rollout` and `set`.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> describe_verbs() { return {}; }

}  // namespace kscratch::kubectl
