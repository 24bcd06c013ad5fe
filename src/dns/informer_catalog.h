#pragma once
// The catalog over the informer caches of Services and EndpointSlices, with the indexes
// the answers need: slices by service, and both kinds by address for reverse lookups.
// Answers read the caches directly, so a change is visible to the next query.

#include "dns/catalog.h"
#include "kscratch/client/informer.h"

namespace kscratch::dns {

class InformerCatalog : public Catalog {
 public:
  // Adds its indexes and handlers to the informers, which must not be running yet.
  InformerCatalog(client::Informer& services, client::Informer& slices);

  ObjectPtr service(const std::string& ns, const std::string& name) const override;
  std::vector<ObjectPtr> endpoint_slices(const std::string& ns, const std::string& name) const override;
  std::vector<ObjectPtr> services_with_cluster_ip(const std::string& ip) const override;
  std::vector<ObjectPtr> slices_with_address(const std::string& ip) const override;
  std::uint32_t serial() const override { return serial_; }

 private:
  void changed();

  client::Informer& services_;
  client::Informer& slices_;
  std::uint32_t serial_;
};

}  // namespace kscratch::dns
