#pragma once
// Service address allocation, as upstream's service registry does on create and update:
// a ClusterIP from the service CIDR (10.43.0.0/16 by default; .1 belongs to the
// `kubernetes` service) and NodePorts from 30000-32767, never handing out one in use.
// Used addresses are read from the stored Services, so allocations survive restarts;
// those of creates still in flight are held in memory until their write lands.

#include "errors.h"
#include "store_follower.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace kscratch::apiserver::rest {

struct ServiceRanges {
  std::uint32_t network = (10u << 24) | (43u << 16);  // 10.43.0.0
  int prefix = 16;
  int node_port_min = 30000;
  int node_port_max = 32767;
};

struct ServiceAllocations {
  std::set<std::uint32_t> ips;
  std::set<int> node_ports;
  void add(const boost::json::object& service);
};

// The addresses the stored Services hold, followed from the store, so that a create does
// not list and parse every Service (10,000 creates took 10 minutes that way).
class ServiceAllocationCache : public StoreFollower {
 public:
  // What the stored Services hold, or nullopt until the first list.
  std::optional<ServiceAllocations> allocations() const;
  // A Service write that just landed (key: its full store key), counted at once: its
  // watch event may come after the next create has chosen its addresses.
  void record(const std::string& key, store::Revision revision, const boost::json::object& service);

 private:
  struct Held {
    store::Revision revision = 0;
    ServiceAllocations taken;
  };
  void put(const std::string& name, store::Revision revision, const boost::json::object& service) override;
  void remove(const std::string& name, store::Revision revision) override;
  void clear() override;
  void count(const ServiceAllocations& a, int delta);

  std::unordered_map<std::string, Held> services_;
  std::map<std::uint32_t, int> ip_holders_;
  std::map<int, int> node_port_holders_;
};

std::optional<std::uint32_t> parse_ipv4(const std::string& text);
std::string format_ipv4(std::uint32_t ip);

// Assigns spec.clusterIP(s), ipFamilies, ipFamilyPolicy and node ports to a Service being
// created (old == nullptr) or updated, recording what it took in `used`.
std::optional<ApiError> allocate_service(const Resource& r, boost::json::object& service,
                                         const boost::json::object* old, ServiceAllocations& used,
                                         const ServiceRanges& ranges = {});

}  // namespace kscratch::apiserver::rest
