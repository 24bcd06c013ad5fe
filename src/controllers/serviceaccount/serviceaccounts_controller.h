#pragma once
// The service account controller (upstream pkg/controller/serviceaccount): every active
// namespace has a ServiceAccount named "default", recreated if deleted.

#include "../manager/controller.h"
#include "kscratch/client/workqueue.h"

namespace kscratch::controllers::serviceaccount {

class ServiceAccountsController : public Controller {
 public:
  explicit ServiceAccountsController(ControllerContext& ctx);
  const char* name() const override { return "serviceaccount"; }
  boost::asio::awaitable<void> run() override;

 private:
  boost::asio::awaitable<bool> sync(const std::string& ns);

  ControllerContext& ctx_;
  client::Informer& namespaces_;
  client::Informer& accounts_;
  client::WorkQueue queue_;
};

}  // namespace kscratch::controllers::serviceaccount
