#include "replicaset_controller.h"

#include "../replicaset/plan.h"
#include "controllers/common/selector.h"
#include "kscratch/util/log.h"
#include "parallel.h"

#include <fmt/format.h>

namespace kscratch::controllers::workloads {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "replicaset";

TimePoint now() { return std::chrono::system_clock::now(); }


}  // namespace

ReplicaSetController::ReplicaSetController(ControllerContext& ctx)
    : ctx_(ctx),
      replicasets_(ctx.informers.get(client::kinds::replicasets)),
      pods_(ctx.informers.get(client::kinds::pods)),
      queue_(ctx.executor),
      events_(ctx.executor, ctx.client, "replicaset-controller") {
  replicasets_.add_handlers({
      [this](const client::ObjectPtr& rs) { queue_.add(client::object_key(*rs)); },
      [this](const client::ObjectPtr&, const client::ObjectPtr& rs) { queue_.add(client::object_key(*rs)); },
      [this](const client::ObjectPtr& rs) {
        expectations_.delete_expectations(client::object_key(*rs));
        queue_.add(client::object_key(*rs));
      },
  });
  pods_.add_handlers({
      [this](const client::ObjectPtr& p) { on_pod_added(*p); },
      [this](const client::ObjectPtr& old, const client::ObjectPtr& p) { on_pod_updated(*old, *p); },
      [this](const client::ObjectPtr& p) { on_pod_deleted(*p); },
  });
}

std::string ReplicaSetController::owner_key(const json::object& pod) const {
  auto* ref = controller_of(pod);
  if (!ref || string_at(*ref, "kind") != "ReplicaSet" || string_at(*ref, "apiVersion") != "apps/v1") return {};
  auto rs = replicasets_.get(namespace_of(pod), string_at(*ref, "name"));
  if (!rs || uid_of(*rs) != string_at(*ref, "uid")) return {};
  return client::object_key(*rs);
}

void ReplicaSetController::enqueue_matching(const json::object& pod) {
  for (auto& rs : replicasets_.by_index("namespace", namespace_of(pod))) {
    if (spec_selector_matches(*rs, pod)) queue_.add(client::object_key(*rs));
  }
}

void ReplicaSetController::on_pod_added(const json::object& pod) {
  if (is_being_deleted(pod)) {
    on_pod_deleted(pod);  // a pod that shows up already terminating counts as deleted
    return;
  }
  if (auto key = owner_key(pod); !key.empty()) {
    expectations_.creation_observed(key);
    queue_.add(key);
  } else if (!controller_of(pod)) {
    enqueue_matching(pod);  // an orphan someone may adopt
  }
}

void ReplicaSetController::on_pod_updated(const json::object& old_pod, const json::object& pod) {
  if (is_being_deleted(pod) && !is_being_deleted(old_pod)) {
    // Graceful deletion: the pod counts as gone now (upstream updatePod).
    on_pod_deleted(pod);
    return;
  }
  auto old_key = owner_key(old_pod), key = owner_key(pod);
  if (!old_key.empty() && old_key != key) queue_.add(old_key);
  if (!key.empty()) {
    queue_.add(key);
  } else if (!controller_of(pod) && labels_of(pod) != labels_of(old_pod)) {
    enqueue_matching(pod);
  }
}

void ReplicaSetController::on_pod_deleted(const json::object& pod) {
  if (auto key = owner_key(pod); !key.empty()) {
    expectations_.deletion_observed(key, client::object_key(pod));
    queue_.add(key);
  }
}

asio::awaitable<void> ReplicaSetController::run() {
  co_await replicasets_.wait_for_sync();
  co_await pods_.wait_for_sync();
  co_await client::run_workers(queue_, 4, [this](const std::string& key) { return sync(key); });
}

asio::awaitable<bool> ReplicaSetController::sync(const std::string& key) {
  auto rs = replicasets_.get(key);
  if (!rs) {
    expectations_.delete_expectations(key);
    co_return true;
  }
  auto ns = namespace_of(*rs);
  // The pods the plan may claim: those the RS controls and the orphans of its namespace.
  std::vector<json::object> pods;
  std::vector<json::object> all_pods;
  for (auto& p : pods_.by_index("namespace", ns)) {
    all_pods.push_back(*p);
    auto* ref = controller_of(*p);
    if (!ref || string_at(*ref, "uid") == uid_of(*rs)) pods.push_back(*p);
  }
  std::vector<json::object> siblings;
  for (auto& r : replicasets_.by_index("namespace", ns)) siblings.push_back(*r);
  replicaset::ReplicaSetPlanOptions options;
  options.expectations_satisfied = expectations_.satisfied(key, now());
  auto related = replicaset::related_pods(*rs, siblings, all_pods);
  options.related_pods = related;
  auto plan = replicaset::plan_replicaset(*rs, pods, now(), options);
  if (plan.error) {
    log::warn(kLog, "{}: {}", key, *plan.error);
    co_return true;  // an invalid selector is not retried, as upstream
  }

  for (auto* list : {&plan.adopt, &plan.release}) {
    for (auto& p : *list) {
      json::value body = p.patch;
      auto patched = co_await ctx_.client.patch(client::kinds::pods, ns, p.name, client::PatchType::kStrategic, body);
      if (!patched && !patched.error().not_found()) co_return false;
    }
  }

  std::optional<std::string> manage_error;
  if (plan.create_count > 0) {
    expectations_.expect_creations(key, plan.create_count, now());
    int created = 0;
    for (int batch : plan.create_batches) {
      std::vector<std::function<asio::awaitable<bool>()>> calls;
      for (int i = 0; i < batch; ++i) {
        calls.push_back([this, &plan, &ns, &manage_error, rs]() -> asio::awaitable<bool> {
          auto result = co_await ctx_.client.create(client::kinds::pods, ns, plan.pod_template);
          if (!result) {
            manage_error = result.error().message;
            co_return false;
          }
          events_.event(*rs, "Normal", "SuccessfulCreate", fmt::format("Created pod: {}", name_of(*result)));
          co_return true;
        });
      }
      int failed = co_await run_concurrently(ctx_.executor, std::move(calls));
      created += batch - failed;
      if (failed > 0) break;
    }
    // Creations that failed or never ran will not be observed.
    int missing = plan.create_count - created;
    if (missing > 0) expectations_.lower(key, missing, 0);
    if (manage_error) {
      events_.event(*rs, "Warning", "FailedCreate", fmt::format("Error creating: {}", *manage_error));
    }
  } else if (!plan.delete_pods.empty()) {
    std::vector<std::string> keys;
    for (auto& p : plan.delete_pods) keys.push_back(p.key);
    expectations_.expect_deletions(key, keys, now());
    std::vector<std::function<asio::awaitable<bool>()>> calls;
    for (auto& p : plan.delete_pods) {
      calls.push_back([this, &p, &ns, &key, &manage_error, rs]() -> asio::awaitable<bool> {
        client::DeleteOptions precondition;
        precondition.precondition_uid = p.uid;
        auto removed = co_await ctx_.client.remove(client::kinds::pods, ns, p.name, precondition);
        if (!removed && !removed.error().not_found()) {
          expectations_.deletion_observed(key, p.key);
          manage_error = removed.error().message;
          events_.event(*rs, "Warning", "FailedDelete", fmt::format("Error deleting: {}", removed.error().message));
          co_return false;
        }
        events_.event(*rs, "Normal", "SuccessfulDelete", fmt::format("Deleted pod: {}", p.name));
        co_return true;
      });
    }
    co_await run_concurrently(ctx_.executor, std::move(calls));
  }

  auto status = manage_error ? replicaset::status_after_error(*rs, plan, now(), *manage_error) : plan.status;
  if (status) {
    // The freshest copy: the RS may have changed while pods were created.
    auto current = replicasets_.get(key);
    json::object updated = current ? *current : *rs;
    updated["status"] = status->to_json();
    auto written = co_await ctx_.client.update(client::kinds::replicasets, updated, "status");
    if (!written && !written.error().not_found()) co_return false;
  }
  if (manage_error) co_return false;
  if (plan.requeue_after) queue_.add_after(key, std::chrono::duration_cast<std::chrono::milliseconds>(*plan.requeue_after));
  co_return true;
}

}  // namespace kscratch::controllers::workloads
