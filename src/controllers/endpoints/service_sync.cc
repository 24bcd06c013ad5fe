#include "service_sync.h"

#include "desired.h"

namespace kscratch::controllers::endpoints {

namespace asio = boost::asio;

ServiceSyncController::ServiceSyncController(ControllerContext& ctx)
    : ctx_(ctx),
      services_(ctx.informers.get(client::kinds::services)),
      pods_(ctx.informers.get(client::kinds::pods)),
      queue_(ctx.executor) {
  services_.add_handlers({
      [this](const client::ObjectPtr& s) { queue_.add(client::object_key(*s)); },
      [this](const client::ObjectPtr&, const client::ObjectPtr& s) { queue_.add(client::object_key(*s)); },
      [this](const client::ObjectPtr& s) { queue_.add(client::object_key(*s)); },
  });
  pods_.add_handlers({
      [this](const client::ObjectPtr& p) { enqueue_services_of(*p); },
      [this](const client::ObjectPtr& old, const client::ObjectPtr& now) {
        enqueue_services_of(*old);
        enqueue_services_of(*now);
      },
      [this](const client::ObjectPtr& p) { enqueue_services_of(*p); },
  });
}

void ServiceSyncController::enqueue_services_of(const json::object& pod) {
  for (auto& s : services_.by_index("namespace", namespace_of(pod))) {
    if (selects(*s, pod)) queue_.add(client::object_key(*s));
  }
}

std::vector<client::ObjectPtr> ServiceSyncController::selected_pods(const json::object& service) const {
  std::vector<client::ObjectPtr> out;
  for (auto& p : pods_.by_index("namespace", namespace_of(service))) {
    if (selects(service, *p)) out.push_back(p);
  }
  return out;
}

std::vector<const json::object*> raw(const std::vector<client::ObjectPtr>& objects) {
  std::vector<const json::object*> out;
  out.reserve(objects.size());
  for (auto& o : objects) out.push_back(o.get());
  return out;
}

asio::awaitable<void> ServiceSyncController::run() {
  co_await services_.wait_for_sync();
  co_await pods_.wait_for_sync();
  co_await client::run_workers(queue_, 2, [this](const std::string& key) { return sync(key); });
}

}  // namespace kscratch::controllers::endpoints
