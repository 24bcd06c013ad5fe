#include "namespace_controller.h"

#include "kscratch/util/log.h"

namespace kscratch::controllers::namespaces {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "namespace";

// The namespaced kinds this cluster serves, workloads first so nothing is recreated
// while the rest goes (upstream discovers them).
const client::Kind* const kContents[] = {
    &client::kinds::deployments, &client::kinds::replicasets,    &client::kinds::pods,
    &client::kinds::services,    &client::kinds::endpointslices, &client::kinds::endpoints,
    &client::kinds::configmaps,  &client::kinds::secrets,        &client::kinds::serviceaccounts,
    &client::kinds::leases,      &client::kinds::events,
};

}  // namespace

NamespaceController::NamespaceController(ControllerContext& ctx)
    : ctx_(ctx), namespaces_(ctx.informers.get(client::kinds::namespaces)), queue_(ctx.executor) {
  auto enqueue = [this](const client::ObjectPtr& n) {
    if (is_being_deleted(*n)) queue_.add(name_of(*n));
  };
  namespaces_.add_handlers({enqueue, [enqueue](const client::ObjectPtr&, const client::ObjectPtr& n) { enqueue(n); },
                            nullptr});
}

asio::awaitable<void> NamespaceController::run() {
  co_await namespaces_.wait_for_sync();
  co_await client::run_workers(queue_, 2, [this](const std::string& name) { return sync(name); });
}

asio::awaitable<bool> NamespaceController::sync(const std::string& name) {
  auto ns = namespaces_.get(name);
  if (!ns || !is_being_deleted(*ns)) co_return true;
  std::size_t remaining = 0;
  for (auto* kind : kContents) {
    auto removed = co_await ctx_.client.remove_collection(*kind, name);
    if (!removed && !removed.error().not_found()) {
      log::warn(kLog, "deleting {} in {}: {}", kind->plural, name, removed.error().message);
      co_return false;
    }
    client::ListOptions one;
    one.limit = 1;
    auto left = co_await ctx_.client.list(*kind, name, one);
    if (left && !left->items.empty()) ++remaining;
  }
  if (remaining > 0) {
    // Pods finish their graceful deletion, owners wait for dependents: look again soon.
    queue_.add_after(name, std::chrono::seconds(1));
    co_return true;
  }
  json::object finalized = *ns;
  auto& spec = ensure_object(finalized, "spec");
  json::array kept;
  if (auto* f = spec.if_contains("finalizers"); f && f->is_array()) {
    for (auto& v : f->get_array()) {
      if (!(v.is_string() && v.get_string() == "kubernetes")) kept.push_back(v);
    }
  }
  spec["finalizers"] = std::move(kept);
  std::string sub = "finalize";
  auto written = co_await ctx_.client.update(client::kinds::namespaces, finalized, sub);
  if (!written && !written.error().not_found()) {
    log::warn(kLog, "finalizing {}: {}", name, written.error().message);
    co_return false;
  }
  log::info(kLog, "namespace {} is empty and finalized", name);
  co_return true;
}

}  // namespace kscratch::controllers::namespaces
