#include "node_lifecycle_controller.h"

#include "controllers/common/pods.h"
#include "kscratch/apimachinery/duration.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"
#include "taints.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kscratch::controllers::nodelifecycle {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "node-lifecycle";

std::string now_rfc3339() { return apimachinery::duration::format_rfc3339(std::chrono::system_clock::now()); }

std::string lease_renew_time(const json::object* lease) {
  if (!lease) return {};
  auto* spec = object_at(*lease, "spec");
  return spec ? string_at(*spec, "renewTime") : std::string();
}

std::string ready_heartbeat(const json::object& node) {
  auto* status = object_at(node, "status");
  auto* conditions = status ? status->if_contains("conditions") : nullptr;
  if (!conditions || !conditions->is_array()) return {};
  for (auto& c : conditions->get_array()) {
    if (c.is_object() && string_at(c.get_object(), "type") == "Ready") return string_at(c.get_object(), "lastHeartbeatTime");
  }
  return {};
}

}  // namespace

NodeLifecycleController::NodeLifecycleController(ControllerContext& ctx)
    : ctx_(ctx),
      nodes_(ctx.informers.get(client::kinds::nodes)),
      leases_(ctx.informers.get(client::kinds::leases)),
      pods_(ctx.informers.get(client::kinds::pods)),
      cidrs_(CidrAllocator::create(ctx.options.cluster_cidr, ctx.options.node_cidr_mask_size)),
      cidr_queue_(ctx.executor) {
  if (!cidrs_) log::error(kLog, "cluster CIDR {} with /{} subnets is not usable: nodes get no pod CIDR",
                          ctx.options.cluster_cidr, ctx.options.node_cidr_mask_size);
  pods_.add_index("node", client::index::by_node);
  auto track_cidr = [this](const client::ObjectPtr& n) {
    auto* spec = object_at(*n, "spec");
    auto cidr = spec ? string_at(*spec, "podCIDR") : std::string();
    if (cidr.empty()) cidr_queue_.add(name_of(*n));
    else if (cidrs_) cidrs_->occupy(cidr);
  };
  nodes_.add_handlers({track_cidr, [track_cidr](const client::ObjectPtr&, const client::ObjectPtr& n) { track_cidr(n); },
                       [this](const client::ObjectPtr& n) {
                         health_.erase(name_of(*n));
                         auto* spec = object_at(*n, "spec");
                         if (spec && cidrs_) cidrs_->release(string_at(*spec, "podCIDR"));
                       }});
}

asio::awaitable<void> NodeLifecycleController::run() {
  co_await nodes_.wait_for_sync();
  co_await leases_.wait_for_sync();
  co_await pods_.wait_for_sync();
  // Every CIDR already handed out is known before any is allocated.
  for (auto& n : nodes_.list()) {
    auto* spec = object_at(*n, "spec");
    if (spec && cidrs_) cidrs_->occupy(string_at(*spec, "podCIDR"));
  }
  std::vector<asio::awaitable<void>> tasks;
  tasks.push_back(monitor());
  tasks.push_back(client::run_workers(cidr_queue_, 1, [this](const std::string& node) { return assign_cidr(node); }));
  co_await runtime::run_together(std::move(tasks));
}

asio::awaitable<bool> NodeLifecycleController::assign_cidr(const std::string& name) {
  auto node = nodes_.get(name);
  if (!node || !cidrs_) co_return true;
  auto* spec = object_at(*node, "spec");
  if (spec && !string_at(*spec, "podCIDR").empty()) co_return true;
  auto cidr = cidrs_->allocate();
  if (!cidr) {
    log::error(kLog, "no pod CIDR left in {} for node {}", ctx_.options.cluster_cidr, name);
    co_return true;
  }
  json::value patch = json::object{{"spec", json::object{{"podCIDR", *cidr}, {"podCIDRs", json::array{json::value(*cidr)}}}}};
  auto patched = co_await ctx_.client.patch(client::kinds::nodes, {}, name, client::PatchType::kMerge, patch);
  if (!patched) {
    cidrs_->release(*cidr);
    co_return patched.error().not_found();
  }
  log::info(kLog, "node {} gets pod CIDR {}", name, *cidr);
  co_return true;
}

asio::awaitable<void> NodeLifecycleController::monitor() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    for (auto& node : nodes_.list()) co_await check_node(*node);
    timer.expires_after(ctx_.options.node_monitor_period);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> NodeLifecycleController::check_node(const json::object& node) {
  auto name = name_of(node);
  auto now = std::chrono::steady_clock::now();
  auto lease = leases_.get("kube-node-lease", name);
  auto renew = lease_renew_time(lease.get());
  auto heartbeat = ready_heartbeat(node);
  auto [it, first] = health_.try_emplace(name, Health{renew, heartbeat, now});
  auto& h = it->second;
  if (!first && (h.renew_time != renew || h.ready_heartbeat != heartbeat)) {
    h = Health{renew, heartbeat, now};
  }
  bool silent = now - h.probed > ctx_.options.node_monitor_grace_period;
  if (silent && ready_status(node) != "Unknown") {
    log::warn(kLog, "node {} stopped posting status (no heartbeat for {}s)", name,
              std::chrono::duration_cast<std::chrono::seconds>(now - h.probed).count());
    co_await mark_unknown(node);
    co_await mark_pods_not_ready(name);
    co_return;  // the taints follow on the next pass, from the updated node
  }
  co_await reconcile_taints(node);
  co_await evict_pods(node);
}

asio::awaitable<void> NodeLifecycleController::mark_unknown(const json::object& node) {
  json::object updated = node;
  auto& status = ensure_object(updated, "status");
  auto stamp = now_rfc3339();
  auto* conditions = status.if_contains("conditions");
  json::array out;
  bool had_ready = false;
  if (conditions && conditions->is_array()) {
    for (auto& c : conditions->get_array()) {
      if (!c.is_object()) continue;
      json::object cond = c.get_object();
      had_ready = had_ready || string_at(cond, "type") == "Ready";
      if (string_at(cond, "status") != "Unknown") {
        cond["status"] = "Unknown";
        cond["reason"] = "NodeStatusUnknown";
        cond["message"] = "Kubelet stopped posting node status.";
        cond["lastTransitionTime"] = stamp;
      }
      out.push_back(std::move(cond));
    }
  }
  if (!had_ready) {
    out.push_back(json::object{{"type", "Ready"},
                               {"status", "Unknown"},
                               {"reason", "NodeStatusNeverUpdated"},
                               {"message", "Kubelet never posted node status."},
                               {"lastHeartbeatTime", stamp},
                               {"lastTransitionTime", stamp}});
  }
  status["conditions"] = std::move(out);
  auto written = co_await ctx_.client.update(client::kinds::nodes, updated, "status");
  if (!written) log::debug(kLog, "marking {} unknown: {}", name_of(node), written.error().message);
}

asio::awaitable<void> NodeLifecycleController::mark_pods_not_ready(const std::string& node) {
  for (auto& pod : pods_.by_index("node", node)) {
    if (!is_pod_ready(*pod)) continue;
    json::object updated = *pod;
    auto& status = ensure_object(updated, "status");
    if (auto* conditions = status.if_contains("conditions"); conditions && conditions->is_array()) {
      for (auto& c : conditions->get_array()) {
        if (c.is_object() && string_at(c.get_object(), "type") == "Ready") {
          c.get_object()["status"] = "False";
          c.get_object()["lastTransitionTime"] = now_rfc3339();
        }
      }
    }
    auto written = co_await ctx_.client.update(client::kinds::pods, updated, "status");
    if (!written) log::debug(kLog, "marking pod {} not ready: {}", name_of(*pod), written.error().message);
  }
}

asio::awaitable<void> NodeLifecycleController::reconcile_taints(const json::object& node) {
  auto ready = ready_status(node);
  // A node that never reported is left alone (as upstream does until its grace passes).
  if (ready.empty()) co_return;
  const char* want = ready == "True" ? nullptr : ready == "False" ? kNotReadyTaint : kUnreachableTaint;
  json::array kept;
  bool has_wanted = false, changed = false;
  for (auto& t : taints_of(node)) {
    if (!t.is_object()) continue;
    auto key = string_at(t.get_object(), "key");
    bool ours = (key == kNotReadyTaint || key == kUnreachableTaint) && string_at(t.get_object(), "effect") == "NoExecute";
    if (ours && (!want || key != want)) {
      changed = true;
      continue;
    }
    if (ours) has_wanted = true;
    kept.push_back(t);
  }
  if (want && !has_wanted) {
    kept.push_back(json::object{{"key", want}, {"effect", "NoExecute"}, {"timeAdded", now_rfc3339()}});
    changed = true;
  }
  if (!changed) co_return;
  json::object updated = node;
  ensure_object(updated, "spec")["taints"] = std::move(kept);
  auto written = co_await ctx_.client.update(client::kinds::nodes, updated);
  if (!written) log::debug(kLog, "tainting {}: {}", name_of(node), written.error().message);
  else if (want) log::info(kLog, "node {} is tainted {}:NoExecute", name_of(node), want);
}

asio::awaitable<void> NodeLifecycleController::evict_pods(const json::object& node) {
  auto& taints = taints_of(node);
  if (taints.empty()) co_return;
  auto now = std::chrono::system_clock::now();
  for (auto& pod : pods_.by_index("node", name_of(node))) {
    if (is_being_deleted(*pod)) continue;
    auto when = eviction_time(*pod, taints, now);
    if (!when || *when > now) continue;
    log::info(kLog, "evicting pod {} from tainted node {}", client::object_key(*pod), name_of(node));
    client::DeleteOptions options;
    options.precondition_uid = uid_of(*pod);
    auto ns = namespace_of(*pod), name = name_of(*pod);
    auto removed = co_await ctx_.client.remove(client::kinds::pods, ns, name, options);
    if (!removed && !removed.error().not_found()) log::warn(kLog, "evicting {}: {}", name, removed.error().message);
  }
}

}  // namespace kscratch::controllers::nodelifecycle
