#pragma once
// The EndpointSlice controller (upstream pkg/controller/endpointslice): discovery.k8s.io/v1
// EndpointSlices for every Service with a selector, labelled with the Service's name and
// owned by it (so the garbage collector removes them with the Service).

#include "service_sync.h"

#include <map>
#include <set>

namespace kscratch::controllers::endpoints {

class EndpointSliceController : public ServiceSyncController {
 public:
  explicit EndpointSliceController(ControllerContext& ctx);
  const char* name() const override { return "endpointslice"; }

 private:
  boost::asio::awaitable<bool> sync(const std::string& service_key) override;
  client::Informer& slices_;
  // Slices this controller created that the informer has not shown yet: until it does, a
  // sync would miss them and create duplicates (upstream's EndpointSliceTracker).
  std::map<std::string, std::set<std::string>> awaiting_;
};

}  // namespace kscratch::controllers::endpoints
