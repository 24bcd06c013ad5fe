#pragma once
// Names and identities the pod network derives from its options and from pod uids:
// host veth names, the bridge's MAC address, and the checks that keep them within the
// kernel's limits and pod uids safe to use in file names.

#include "kscratch/podnetwork/podnetwork.h"
#include "kscratch/util/expected.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kscratch::podnetwork {

// Linux interface names are at most IFNAMSIZ - 1 characters.
inline constexpr std::size_t kMaxInterfaceName = 15;
// At least this many hex digits of the uid hash follow the veth prefix, so that two pods
// on one node practically never get the same host veth name.
inline constexpr std::size_t kMinVethHashDigits = 4;

// FNV-1a, 64 bits: stable across runs and builds (std::hash is neither), which matters
// because names and MACs must be the same after a restart.
std::uint64_t fnv1a64(std::string_view data);
// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
std::uint64_t mix64(std::uint64_t x);

// <prefix><hex hash of the uid>, filling the name up to 15 characters.
std::string host_veth_name(std::string_view prefix, std::string_view pod_uid);

// A locally administered unicast MAC derived from the bridge name: fixed, so the bridge
// does not take over a port's MAC (which would change as pods come and go), and the same
// after every restart.
std::array<std::uint8_t, 6> bridge_mac(std::string_view bridge_name);
std::string format_mac(const std::array<std::uint8_t, 6>& mac);

// Interface name rules: 1..15 characters, no '/', no whitespace, not "." or "..".
Status validate_interface_name(std::string_view name);
Status validate_options(const NetworkOptions& options);
// Pod uids name files (netns bind mounts, address records): letters, digits, '-', '_'
// and '.', not starting with '.', at most 128 characters.
Status validate_pod_uid(std::string_view uid);

}  // namespace kscratch::podnetwork
