// `kubectl apply`: client-side apply with the last-applied-configuration annotation and
// kubectl's three-way strategic merge patch, and server-side apply.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> apply_verbs() { return {}; }

}  // namespace kscratch::kubectl
