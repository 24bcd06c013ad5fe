#pragma once
// IPv4 addresses and CIDR ranges, and the arithmetic the pod network needs on them
// (gateway, broadcast, the range pods draw from). Addresses are kept in host byte order;
// the netlink code converts at its edge.

#include "kscratch/util/expected.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kscratch::podnetwork {

struct Ipv4Address {
  std::uint32_t value = 0;  // host byte order

  static Expected<Ipv4Address> parse(std::string_view text);
  std::string to_string() const;
  // Network byte order, as netlink and nftables want it.
  std::array<std::uint8_t, 4> bytes() const;

  friend bool operator==(Ipv4Address, Ipv4Address) = default;
  friend auto operator<=>(Ipv4Address, Ipv4Address) = default;
};

struct Ipv4Cidr {
  Ipv4Address network;  // host bits cleared
  int prefix = 0;       // 0..32

  // "10.42.0.0/24". Host bits are cleared ("10.42.0.7/24" is 10.42.0.0/24) because the
  // range is what matters to every caller.
  static Expected<Ipv4Cidr> parse(std::string_view text);
  std::string to_string() const;

  std::uint32_t mask() const;
  Ipv4Address broadcast() const;
  // The bridge's address: the first address after the network's.
  Ipv4Address gateway() const;
  // The addresses handed to pods: after the gateway, before the broadcast address.
  Ipv4Address first_pod_address() const;
  Ipv4Address last_pod_address() const;
  // How many addresses pods can get (0 when the range is too small for any).
  std::uint32_t pod_address_count() const;

  bool contains(Ipv4Address address) const;
  bool contains(const Ipv4Cidr& other) const;

  friend bool operator==(const Ipv4Cidr&, const Ipv4Cidr&) = default;
};

}  // namespace kscratch::podnetwork
