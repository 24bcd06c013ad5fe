// kube-controller-manager's main loop: one set of shared informers, every enabled
// controller on it, all as coroutines on the caller's io_context.

#include "kscratch/controllers/controller_manager.h"

#include "../endpoints/endpoints_controller.h"
#include "../endpoints/endpointslice_controller.h"
#include "../garbagecollector/garbage_collector.h"
#include "../namespace/namespace_controller.h"
#include "../nodelifecycle/node_lifecycle_controller.h"
#include "../serviceaccount/serviceaccounts_controller.h"
#include "../workloads/deployment_controller.h"
#include "../workloads/replicaset_controller.h"
#include "controller.h"
#include "kscratch/util/log.h"

#include "kscratch/runtime/together.h"

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <memory>
#include <vector>

namespace kscratch::controllers {

namespace asio = boost::asio;

namespace {

using Factory = std::unique_ptr<Controller> (*)(ControllerContext&);

template <class C>
std::unique_ptr<Controller> make(ControllerContext& ctx) {
  return std::make_unique<C>(ctx);
}

// The controllers, by the names --controllers uses upstream.
const std::pair<const char*, Factory> kControllers[] = {
    {"deployment", make<workloads::DeploymentController>},
    {"replicaset", make<workloads::ReplicaSetController>},
    {"endpoints", make<endpoints::EndpointsController>},
    {"endpointslice", make<endpoints::EndpointSliceController>},
    {"garbagecollector", make<garbagecollector::GarbageCollector>},
    {"namespace", make<namespaces::NamespaceController>},
    {"serviceaccount", make<serviceaccount::ServiceAccountsController>},
    {"nodelifecycle", make<nodelifecycle::NodeLifecycleController>},
};

bool enabled(const ControllerManagerOptions& o, std::string_view name) {
  return o.controllers.empty() || std::find(o.controllers.begin(), o.controllers.end(), name) != o.controllers.end();
}

}  // namespace

asio::awaitable<void> run_controller_manager(client::Client& client, const ControllerManagerOptions& options) {
  auto ex = co_await asio::this_coro::executor;
  client::SharedInformers informers(client);
  ControllerContext ctx{ex, client, informers, options};
  std::vector<std::unique_ptr<Controller>> controllers;
  for (auto& [name, factory] : kControllers) {
    if (enabled(options, name)) controllers.push_back(factory(ctx));
  }
  std::vector<asio::awaitable<void>> tasks;
  tasks.push_back(informers.run());
  for (auto& c : controllers) {
    log::info("controller-manager", "starting {} controller", c->name());
    tasks.push_back(c->run());
  }
  co_await runtime::run_together(std::move(tasks));
}

}  // namespace kscratch::controllers
