#include "deployment_controller.h"

#include "../deployment/plan.h"
#include "controllers/common/selector.h"
#include "kscratch/util/log.h"

namespace kscratch::controllers::workloads {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "deployment";


}  // namespace

DeploymentController::DeploymentController(ControllerContext& ctx)
    : ctx_(ctx),
      deployments_(ctx.informers.get(client::kinds::deployments)),
      replicasets_(ctx.informers.get(client::kinds::replicasets)),
      pods_(ctx.informers.get(client::kinds::pods)),
      queue_(ctx.executor),
      events_(ctx.executor, ctx.client, "deployment-controller") {
  auto enqueue = [this](const client::ObjectPtr& d) { queue_.add(client::object_key(*d)); };
  deployments_.add_handlers({enqueue, [enqueue](const client::ObjectPtr&, const client::ObjectPtr& d) { enqueue(d); },
                             enqueue});
  replicasets_.add_handlers({
      [this](const client::ObjectPtr& rs) { on_replicaset(*rs); },
      [this](const client::ObjectPtr& old, const client::ObjectPtr& rs) {
        if (auto old_key = owner_key(*old); !old_key.empty() && old_key != owner_key(*rs)) queue_.add(old_key);
        on_replicaset(*rs);
      },
      [this](const client::ObjectPtr& rs) {
        if (auto key = owner_key(*rs); !key.empty()) queue_.add(key);
      },
  });
  // Recreate waits for the old pods to be gone: their deletions move it on.
  pods_.add_handlers({nullptr, nullptr, [this](const client::ObjectPtr& pod) {
                        auto* ref = controller_of(*pod);
                        if (!ref || string_at(*ref, "kind") != "ReplicaSet") return;
                        auto rs = replicasets_.get(namespace_of(*pod), string_at(*ref, "name"));
                        if (!rs) return;
                        if (auto key = owner_key(*rs); !key.empty()) queue_.add(key);
                      }});
}

std::string DeploymentController::owner_key(const json::object& rs) const {
  auto* ref = controller_of(rs);
  if (!ref || string_at(*ref, "kind") != "Deployment") return {};
  auto d = deployments_.get(namespace_of(rs), string_at(*ref, "name"));
  if (!d || uid_of(*d) != string_at(*ref, "uid")) return {};
  return client::object_key(*d);
}

void DeploymentController::on_replicaset(const json::object& rs) {
  if (auto key = owner_key(rs); !key.empty()) {
    queue_.add(key);
    return;
  }
  if (controller_of(rs) || is_being_deleted(rs)) return;
  for (auto& d : deployments_.by_index("namespace", namespace_of(rs))) {
    if (spec_selector_matches(*d, rs)) queue_.add(client::object_key(*d));
  }
}

asio::awaitable<void> DeploymentController::run() {
  co_await deployments_.wait_for_sync();
  co_await replicasets_.wait_for_sync();
  co_await pods_.wait_for_sync();
  co_await client::run_workers(queue_, 4, [this](const std::string& key) { return sync(key); });
}

asio::awaitable<bool> DeploymentController::sync(const std::string& key) {
  auto d = deployments_.get(key);
  if (!d) co_return true;
  auto ns = namespace_of(*d);
  std::vector<json::object> rss_in_ns;
  for (auto& rs : replicasets_.by_index("namespace", ns)) rss_in_ns.push_back(*rs);
  auto claim = deployment::claim_replicasets(*d, rss_in_ns);
  if (claim.error) {
    log::warn(kLog, "{}: {}", key, *claim.error);
    co_return true;
  }
  for (auto* list : {&claim.adopt, &claim.release}) {
    for (auto& p : *list) {
      json::value body = p.patch;
      auto patched = co_await ctx_.client.patch(client::kinds::replicasets, ns, p.name, client::PatchType::kStrategic, body);
      if (!patched && !patched.error().not_found()) co_return false;
    }
  }
  if (!claim.adopt.empty() || !claim.release.empty()) co_return false;  // re-plan with the patched objects

  std::vector<json::object> pods_in_ns;
  for (auto& p : pods_.by_index("namespace", ns)) pods_in_ns.push_back(*p);
  auto pods = deployment::group_pods_by_replicaset(*d, claim.owned, pods_in_ns);
  auto plan = deployment::plan_deployment(*d, claim.owned, pods, std::chrono::system_clock::now());

  bool ok = true;
  for (auto& step : plan.steps) {
    switch (step.kind) {
      case deployment::StepKind::kCreateReplicaSet: {
        auto created = co_await ctx_.client.create(client::kinds::replicasets, ns, step.object);
        if (created) break;
        ok = false;
        if (created.error().already_exists()) {
          auto existing = co_await ctx_.client.get(client::kinds::replicasets, ns, step.name);
          if (existing) {
            if (auto bumped = deployment::on_create_already_exists(*d, *existing)) {
              std::string status = "status";
              (void)co_await ctx_.client.update(client::kinds::deployments, *bumped, status);
            }
          }
        } else {
          auto failure = deployment::on_create_failed(*d, step.name, created.error().message, std::chrono::system_clock::now());
          if (failure.deployment_status_update) {
            std::string status = "status";
            (void)co_await ctx_.client.update(client::kinds::deployments, *failure.deployment_status_update, status);
          }
          events_.event(*d, failure.event.type, failure.event.reason, failure.event.message);
        }
        break;
      }
      case deployment::StepKind::kUpdateReplicaSet: {
        auto written = co_await ctx_.client.update(client::kinds::replicasets, step.object);
        if (!written) ok = false;
        break;
      }
      case deployment::StepKind::kDeleteReplicaSet: {
        client::DeleteOptions options;
        options.precondition_uid = step.uid;
        auto removed = co_await ctx_.client.remove(client::kinds::replicasets, ns, step.name, options);
        if (!removed && !removed.error().not_found()) ok = false;
        break;
      }
      case deployment::StepKind::kUpdateDeploymentStatus: {
        std::string status = "status";
        auto written = co_await ctx_.client.update(client::kinds::deployments, step.object, status);
        if (!written && !written.error().not_found()) ok = false;
        break;
      }
    }
    if (!ok) break;
  }
  // The plan's events describe its writes: only when they all landed (a step refused on
  // a stale cache is retried, and would be reported twice).
  if (ok) {
    for (auto& e : plan.events) events_.event(*d, e.type, e.reason, e.message);
  }
  if (!ok || plan.error) co_return false;
  if (plan.requeue_after) queue_.add_after(key, *plan.requeue_after);
  co_return true;
}

}  // namespace kscratch::controllers::workloads
