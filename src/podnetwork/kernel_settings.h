#pragma once
// Kernel settings the pod network writes through /proc (net.* sysctls there are the
// calling thread's network namespace's).

#include "kscratch/util/expected.h"

#include <string>

namespace kscratch::podnetwork {

// net.ipv4.ip_forward=1: without it pods reach neither services nor other nodes.
Status enable_ip_forward();

}  // namespace kscratch::podnetwork
