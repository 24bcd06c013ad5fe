#include "serviceaccounts_controller.h"

#include "kscratch/util/log.h"

namespace kscratch::controllers::serviceaccount {

namespace asio = boost::asio;

ServiceAccountsController::ServiceAccountsController(ControllerContext& ctx)
    : ctx_(ctx),
      namespaces_(ctx.informers.get(client::kinds::namespaces)),
      accounts_(ctx.informers.get(client::kinds::serviceaccounts)),
      queue_(ctx.executor) {
  namespaces_.add_handlers({[this](const client::ObjectPtr& n) { queue_.add(name_of(*n)); },
                            [this](const client::ObjectPtr&, const client::ObjectPtr& n) { queue_.add(name_of(*n)); },
                            nullptr});
  accounts_.add_handlers({nullptr, nullptr, [this](const client::ObjectPtr& sa) {
                            if (name_of(*sa) == "default") queue_.add(namespace_of(*sa));
                          }});
}

asio::awaitable<void> ServiceAccountsController::run() {
  co_await namespaces_.wait_for_sync();
  co_await accounts_.wait_for_sync();
  co_await client::run_workers(queue_, 1, [this](const std::string& ns) { return sync(ns); });
}

asio::awaitable<bool> ServiceAccountsController::sync(const std::string& ns) {
  auto n = namespaces_.get(ns);
  if (!n || is_being_deleted(*n)) co_return true;
  if (accounts_.get(ns, "default")) co_return true;
  json::object sa{{"apiVersion", "v1"},
                  {"kind", "ServiceAccount"},
                  {"metadata", json::object{{"name", "default"}, {"namespace", ns}}}};
  auto created = co_await ctx_.client.create(client::kinds::serviceaccounts, ns, sa);
  if (!created && !created.error().already_exists()) {
    // A namespace being deleted refuses new content: nothing to do then.
    if (created.error().code == 403 || created.error().not_found()) co_return true;
    log::warn("serviceaccount", "creating default in {}: {}", ns, created.error().message);
    co_return false;
  }
  co_return true;
}

}  // namespace kscratch::controllers::serviceaccount
