#pragma once
// The ReplicaSet controller's shell (upstream pkg/controller/replicaset): informer events
// in, plan_replicaset (replicaset/plan.h) per sync, the plan's writes carried out through
// the API, with expectations so a slow watch never causes over-creation.

#include "../manager/controller.h"
#include "../replicaset/expectations.h"
#include "kscratch/client/workqueue.h"

namespace kscratch::controllers::workloads {

class ReplicaSetController : public Controller {
 public:
  explicit ReplicaSetController(ControllerContext& ctx);
  const char* name() const override { return "replicaset"; }
  boost::asio::awaitable<void> run() override;

 private:
  void on_pod_added(const json::object& pod);
  void on_pod_updated(const json::object& old_pod, const json::object& pod);
  void on_pod_deleted(const json::object& pod);
  // The key of the ReplicaSet controlling the pod (checked by uid), or "".
  std::string owner_key(const json::object& pod) const;
  void enqueue_matching(const json::object& pod);
  boost::asio::awaitable<bool> sync(const std::string& key);

  ControllerContext& ctx_;
  client::Informer& replicasets_;
  client::Informer& pods_;
  client::WorkQueue queue_;
  client::EventRecorder events_;
  replicaset::ControllerExpectations expectations_;
};

}  // namespace kscratch::controllers::workloads
