// Name and MAC derivation for the pod network (see names.h).

#include "names.h"

#include "cidr.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kscratch::podnetwork {

std::uint64_t fnv1a64(std::string_view data) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::string host_veth_name(std::string_view prefix, std::string_view pod_uid) {
  // FNV-1a alone barely changes its high bits for a change in the last byte ("pod-a" and
  // "pod-b" would share most leading hex digits); the finaliser spreads every input bit
  // over the digits that are kept.
  std::string hex = fmt::format("{:016x}", mix64(fnv1a64(pod_uid)));
  std::size_t digits = prefix.size() < kMaxInterfaceName ? kMaxInterfaceName - prefix.size() : 0;
  return std::string(prefix) + hex.substr(0, std::min(digits, hex.size()));
}

std::array<std::uint8_t, 6> bridge_mac(std::string_view bridge_name) {
  std::uint64_t hash = mix64(fnv1a64(bridge_name));
  std::array<std::uint8_t, 6> mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) mac[i] = static_cast<std::uint8_t>(hash >> (8 * i));
  // Bit 0 of the first octet is multicast (must be clear), bit 1 is "locally
  // administered" (set, so the address never collides with a vendor's).
  mac[0] = static_cast<std::uint8_t>((mac[0] & 0xfc) | 0x02);
  return mac;
}

std::string format_mac(const std::array<std::uint8_t, 6>& mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3],
                     mac[4], mac[5]);
}

Status validate_interface_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceName) {
    return make_error(fmt::format("interface name {:?} must have 1 to {} characters", name, kMaxInterfaceName));
  }
  if (name == "." || name == "..") return make_error(fmt::format("invalid interface name {:?}", name));
  for (unsigned char c : name) {
    if (c == '/' || c == ':' || std::isspace(c) || !std::isprint(c)) {
      return make_error(fmt::format("invalid character in interface name {:?}", name));
    }
  }
  return Ok{};
}

Status validate_options(const NetworkOptions& options) {
  if (auto s = validate_interface_name(options.bridge_name); !s) return make_error("bridge_name: " + s.error().message);
  if (options.veth_prefix.empty() || options.veth_prefix.size() > kMaxInterfaceName - kMinVethHashDigits) {
    return make_error(fmt::format("veth_prefix {:?} must have 1 to {} characters", options.veth_prefix,
                                  kMaxInterfaceName - kMinVethHashDigits));
  }
  if (auto s = validate_interface_name(options.veth_prefix); !s) return make_error("veth_prefix: " + s.error().message);
  if (options.nft_table.empty() || options.nft_table.size() > 255) {
    return make_error(fmt::format("nft_table {:?} must have 1 to 255 characters", options.nft_table));
  }
  if (options.state_dir.empty() || options.netns_dir.empty()) {
    return make_error("state_dir and netns_dir must be set");
  }
  auto cluster = Ipv4Cidr::parse(options.cluster_cidr);
  if (!cluster) return make_error("cluster_cidr: " + cluster.error().message);
  return Ok{};
}

Status validate_pod_uid(std::string_view uid) {
  if (uid.empty() || uid.size() > 128 || uid[0] == '.') {
    return make_error(fmt::format("invalid pod uid {:?}", uid));
  }
  for (unsigned char c : uid) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') {
      return make_error(fmt::format("invalid pod uid {:?}", uid));
    }
  }
  return Ok{};
}

}  // namespace kscratch::podnetwork
