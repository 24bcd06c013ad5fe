#include "cidr.h"

#include <arpa/inet.h>

#include <fmt/format.h>

namespace kscratch::controllers::nodelifecycle {

namespace {

std::optional<std::pair<std::uint32_t, int>> parse(std::string_view cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string ip(cidr.substr(0, slash));
  in_addr addr{};
  if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) return std::nullopt;
  int bits = 0;
  auto rest = cidr.substr(slash + 1);
  if (rest.empty() || rest.size() > 2) return std::nullopt;
  for (char c : rest) {
    if (c < '0' || c > '9') return std::nullopt;
    bits = bits * 10 + (c - '0');
  }
  if (bits > 32) return std::nullopt;
  return std::pair{ntohl(addr.s_addr), bits};
}

std::uint32_t mask_of(int bits) { return bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits); }

}  // namespace

std::optional<CidrAllocator> CidrAllocator::create(std::string_view cluster, int mask) {
  auto parsed = parse(cluster);
  if (!parsed || mask < parsed->second || mask > 32 || mask - parsed->second > 24) return std::nullopt;
  CidrAllocator a;
  a.prefix_ = parsed->second;
  a.mask_ = mask;
  a.base_ = parsed->first & mask_of(parsed->second);
  return a;
}

bool CidrAllocator::occupy(std::string_view cidr) {
  auto parsed = parse(cidr);
  if (!parsed || parsed->second != mask_) return false;
  if ((parsed->first & mask_of(prefix_)) != base_) return false;
  used_.insert((parsed->first - base_) >> (32 - mask_));
  return true;
}

void CidrAllocator::release(std::string_view cidr) {
  auto parsed = parse(cidr);
  if (!parsed || parsed->second != mask_ || (parsed->first & mask_of(prefix_)) != base_) return;
  used_.erase((parsed->first - base_) >> (32 - mask_));
}

std::optional<std::string> CidrAllocator::allocate() {
  std::uint32_t index = 0;
  for (auto u : used_) {
    if (u != index) break;
    ++index;
  }
  if (index >= capacity()) return std::nullopt;
  used_.insert(index);
  std::uint32_t net = base_ + (index << (32 - mask_));
  return fmt::format("{}.{}.{}.{}/{}", net >> 24, (net >> 16) & 0xff, (net >> 8) & 0xff, net & 0xff, mask_);
}

}  // namespace kscratch::controllers::nodelifecycle
