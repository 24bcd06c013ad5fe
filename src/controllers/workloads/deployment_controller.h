#pragma once
// The Deployment controller's shell (upstream pkg/controller/deployment): informer events
// in, plan_deployment (deployment/plan.h) per sync, its steps carried out in order.

#include "../manager/controller.h"
#include "kscratch/client/workqueue.h"

namespace kscratch::controllers::workloads {

class DeploymentController : public Controller {
 public:
  explicit DeploymentController(ControllerContext& ctx);
  const char* name() const override { return "deployment"; }
  boost::asio::awaitable<void> run() override;

 private:
  void on_replicaset(const json::object& rs);
  std::string owner_key(const json::object& rs) const;
  boost::asio::awaitable<bool> sync(const std::string& key);

  ControllerContext& ctx_;
  client::Informer& deployments_;
  client::Informer& replicasets_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
};

}  // namespace kscratch::controllers::workloads
