#pragma once
// The Endpoints controller (upstream pkg/controller/endpoint): one v1 Endpoints per
// Service with a selector, named as the Service, listing its pods' addresses and ports.

#include "service_sync.h"

namespace kscratch::controllers::endpoints {

class EndpointsController : public ServiceSyncController {
 public:
  explicit EndpointsController(ControllerContext& ctx);
  const char* name() const override { return "endpoints"; }

 private:
  boost::asio::awaitable<bool> sync(const std::string& service_key) override;
  client::Informer& endpoints_;
};

}  // namespace kscratch::controllers::endpoints
