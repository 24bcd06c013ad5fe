// kubectl top, explain.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> top_explain_verbs() { return {}; }

}  // namespace kscratch::kubectl
