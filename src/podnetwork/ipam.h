#pragma once
// Host-local address management, the way CNI's host-local plugin does it
// (/var/lib/cni/networks/<net>/): one file per allocated address, named after the
// address and holding the owner's pod uid. A file is created exclusively, so a restart
// (which forgets everything in memory) can never hand out a live address twice.
// Pure file work, no netlink: testable in a temporary directory.

#include "cidr.h"
#include "kscratch/util/expected.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::podnetwork {

struct Allocation {
  Ipv4Address address;
  std::string owner;  // the pod uid
};

class HostLocalIpam {
 public:
  explicit HostLocalIpam(std::filesystem::path dir);

  // The owner's address in `range`: the one it has if it has one there, else a free one.
  // Addresses the owner holds outside the range (the node's pod CIDR changed) are freed.
  // Allocation goes round-robin from the last address handed out, like host-local, so a
  // freed address is not reused at once (stale conntrack entries, clients with old
  // endpoints).
  Expected<Ipv4Address> allocate(const Ipv4Cidr& range, const std::string& owner);
  // The owner's address, in any range.
  std::optional<Ipv4Address> find(const std::string& owner) const;
  // Frees every address of the owner; freeing nothing is fine.
  Status release(const std::string& owner);
  // Every allocation on record, ordered by address.
  std::vector<Allocation> allocations() const;
  // Removes every record and the directory itself.
  Status clear();

  const std::filesystem::path& dir() const { return dir_; }

 private:
  // Creates the record for `address` only if none exists. Returns false when the address
  // is taken.
  Expected<bool> try_claim(Ipv4Address address, const std::string& owner);
  std::optional<Ipv4Address> last_reserved(const Ipv4Cidr& range) const;
  void remember_last_reserved(Ipv4Address address);

  std::filesystem::path dir_;
};

}  // namespace kscratch::podnetwork
