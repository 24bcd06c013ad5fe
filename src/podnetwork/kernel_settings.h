#pragma once
// Kernel settings the pod network writes through /proc and /sys.

#include "kscratch/util/expected.h"

#include <string>

namespace kscratch::podnetwork {

// net.ipv4.ip_forward=1: without it pods reach neither services nor other nodes.
Status enable_ip_forward();
// hairpin_mode on a bridge port: a pod reaching itself through a service address gets
// its packets back through the port they came in on.
Status enable_hairpin(const std::string& port);

}  // namespace kscratch::podnetwork
