// IPv4 parsing and range arithmetic (see cidr.h).

#include "cidr.h"

#include <fmt/format.h>

#include <charconv>

namespace kscratch::podnetwork {

namespace {

// Parses a decimal number in [0, max] that makes up all of `text` (no sign, no spaces,
// no leading zeros beyond a lone "0", which inet_pton also refuses).
bool parse_decimal(std::string_view text, unsigned max, unsigned& out) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out <= max;
}

}  // namespace

Expected<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  std::uint32_t value = 0;
  std::string_view rest = text;
  for (int i = 0; i < 4; ++i) {
    auto dot = rest.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) {
      return make_error(fmt::format("invalid IPv4 address {:?}", text));
    }
    unsigned octet = 0;
    if (!parse_decimal(rest.substr(0, dot), 255, octet)) {
      return make_error(fmt::format("invalid IPv4 address {:?}", text));
    }
    value = (value << 8) | octet;
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  return Ipv4Address{value};
}

std::string Ipv4Address::to_string() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
}

std::array<std::uint8_t, 4> Ipv4Address::bytes() const {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

Expected<Ipv4Cidr> Ipv4Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return make_error(fmt::format("invalid CIDR {:?}: no prefix length", text));
  }
  auto address = Ipv4Address::parse(text.substr(0, slash));
  if (!address) return make_error(fmt::format("invalid CIDR {:?}: {}", text, address.error().message));
  unsigned prefix = 0;
  if (!parse_decimal(text.substr(slash + 1), 32, prefix)) {
    return make_error(fmt::format("invalid CIDR {:?}: bad prefix length", text));
  }
  Ipv4Cidr cidr;
  cidr.prefix = static_cast<int>(prefix);
  cidr.network = Ipv4Address{address->value & cidr.mask()};
  return cidr;
}

std::string Ipv4Cidr::to_string() const { return fmt::format("{}/{}", network.to_string(), prefix); }

std::uint32_t Ipv4Cidr::mask() const {
  // A shift by 32 is undefined, hence the special case for /0.
  return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

Ipv4Address Ipv4Cidr::broadcast() const { return Ipv4Address{network.value | ~mask()}; }

Ipv4Address Ipv4Cidr::gateway() const { return Ipv4Address{network.value + 1}; }

Ipv4Address Ipv4Cidr::first_pod_address() const { return Ipv4Address{network.value + 2}; }

Ipv4Address Ipv4Cidr::last_pod_address() const { return Ipv4Address{broadcast().value - 1}; }

std::uint32_t Ipv4Cidr::pod_address_count() const {
  // Network, gateway and broadcast are not for pods: a /30 leaves one address, a /31 none.
  if (prefix > 30) return 0;
  std::uint64_t size = std::uint64_t{1} << (32 - prefix);
  return static_cast<std::uint32_t>(size - 3);
}

bool Ipv4Cidr::contains(Ipv4Address address) const {
  return (address.value & mask()) == network.value;
}

bool Ipv4Cidr::contains(const Ipv4Cidr& other) const {
  return other.prefix >= prefix && contains(other.network);
}

}  // namespace kscratch::podnetwork
