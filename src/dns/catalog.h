#pragma once
// What the DNS answers are made from: Services and EndpointSlices as the API holds them.
// The server reads them from informer caches (informer_catalog.h); tests fill a map. The
// objects are plain API JSON, read with apimachinery's field accessors.

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kscratch::dns {

using ObjectPtr = std::shared_ptr<const boost::json::object>;

class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual ObjectPtr service(const std::string& ns, const std::string& name) const = 0;
  // The EndpointSlices labelled kubernetes.io/service-name=<name> in ns.
  virtual std::vector<ObjectPtr> endpoint_slices(const std::string& ns, const std::string& name) const = 0;
  // For reverse lookups: the Services whose spec.clusterIPs hold ip, and the EndpointSlices
  // with an endpoint address ip.
  virtual std::vector<ObjectPtr> services_with_cluster_ip(const std::string& ip) const = 0;
  virtual std::vector<ObjectPtr> slices_with_address(const std::string& ip) const = 0;
  // Changes whenever the cache does: the zone's SOA serial, so caches downstream can tell.
  virtual std::uint32_t serial() const = 0;
};

}  // namespace kscratch::dns
