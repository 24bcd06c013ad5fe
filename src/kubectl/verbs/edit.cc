// kubectl edit.

#include "verbs.h"

namespace kscratch::kubectl {

std::vector<Verb> edit_verbs() { return {}; }

}  // namespace kscratch::kubectl
