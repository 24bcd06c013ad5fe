#pragma once
// Pod CIDRs for nodes (upstream pkg/controller/nodeipam, the range allocator): the
// cluster CIDR cut into subnets of one size, handed out lowest first and never to two
// nodes at once.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace kscratch::controllers::nodelifecycle {

class CidrAllocator {
 public:
  // cluster is IPv4 "a.b.c.d/n"; subnets are /mask (mask >= n). Nothing on bad input.
  static std::optional<CidrAllocator> create(std::string_view cluster, int mask);

  // Marks a subnet as taken (one a node already has); false if it is not one of ours.
  bool occupy(std::string_view cidr);
  void release(std::string_view cidr);
  // The lowest free subnet, taken; nothing when all are in use.
  std::optional<std::string> allocate();
  std::size_t capacity() const { return std::size_t{1} << (mask_ - prefix_); }

 private:
  std::uint32_t base_ = 0;
  int prefix_ = 0;
  int mask_ = 0;
  std::set<std::uint32_t> used_;  // subnet indexes
};

}  // namespace kscratch::controllers::nodelifecycle
