#pragma once
// The wiring the Endpoints and EndpointSlice controllers share (as upstream's two
// controllers do): a queue of Service keys, filled when a Service changes and when a pod
// its selector matches (before or after the change) appears, changes or goes.

#include "../manager/controller.h"
#include "kscratch/client/workqueue.h"

namespace kscratch::controllers::endpoints {

std::vector<const json::object*> raw(const std::vector<client::ObjectPtr>& objects);

class ServiceSyncController : public Controller {
 public:
  explicit ServiceSyncController(ControllerContext& ctx);
  boost::asio::awaitable<void> run() override;

 protected:
  // Brings the Service's endpoints objects up to date; false to retry with backoff.
  virtual boost::asio::awaitable<bool> sync(const std::string& service_key) = 0;
  // The pods of the Service's namespace that its selector matches (shared, so they stay
  // valid across a sync's awaits while the informer moves on).
  std::vector<client::ObjectPtr> selected_pods(const json::object& service) const;

  ControllerContext& ctx_;
  client::Informer& services_;
  client::Informer& pods_;
  client::WorkQueue queue_;

 private:
  void enqueue_services_of(const json::object& pod);
};

}  // namespace kscratch::controllers::endpoints
