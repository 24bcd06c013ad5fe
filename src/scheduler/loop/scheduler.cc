// The scheduling loop (upstream pkg/scheduler/schedule_one.go and eventhandlers.go) over
// the API client: informers feed the cache and the queue, each cycle runs the algorithm,
// the pod is assumed at once and bound in the background.

#include "kscratch/scheduler/scheduler.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/client/events.h"
#include "kscratch/client/informer.h"
#include "kscratch/scheduler/algorithm.h"
#include "kscratch/runtime/together.h"
#include "kscratch/scheduler/cache.h"
#include "kscratch/util/log.h"
#include "scheduling_queue.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace kscratch::scheduler {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view kLog = "scheduler";

std::string str(const json::object& o, std::string_view section, std::string_view key) {
  auto* s = o.if_contains(section);
  if (!s || !s->is_object()) return {};
  auto* v = s->get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool deleting(const json::object& pod) {
  auto* m = pod.if_contains("metadata");
  return m && m->is_object() && m->get_object().contains("deletionTimestamp");
}

bool finished(const json::object& pod) {
  auto phase = str(pod, "status", "phase");
  return phase == "Succeeded" || phase == "Failed";
}

// The PodScheduled condition the pod has now, for not writing the same one twice.
std::string scheduled_condition_message(const json::object& pod) {
  auto* status = pod.if_contains("status");
  if (!status || !status->is_object()) return {};
  auto* conditions = status->get_object().if_contains("conditions");
  if (!conditions || !conditions->is_array()) return {};
  for (auto& c : conditions->get_array()) {
    if (!c.is_object()) continue;
    auto& cond = c.get_object();
    auto* type = cond.if_contains("type");
    if (type && type->is_string() && type->get_string() == "PodScheduled") {
      auto* m = cond.if_contains("message");
      return m && m->is_string() ? std::string(m->get_string()) : std::string();
    }
  }
  return {};
}

// Shared: bindings in flight hold the scheduler (its cache, queue and recorder) until they
// finish, even when the loop has been cancelled meanwhile.
class Scheduler : public std::enable_shared_from_this<Scheduler> {
 public:
  Scheduler(asio::any_io_executor ex, client::Client& client, const SchedulerOptions& options)
      : ex_(ex),
        client_(client),
        options_(options),
        pods_(client, client::kinds::pods),
        nodes_(client, client::kinds::nodes),
        queue_(ex),
        algorithm_(default_profile(), ScheduleOptions{options.percentage_of_nodes_to_score}),
        events_(ex, client, options.scheduler_name) {
    nodes_.add_handlers({
        [this](const client::ObjectPtr& n) {
          cache_.add_node(*n);
          queue_.move_all_to_active();
        },
        [this](const client::ObjectPtr&, const client::ObjectPtr& n) {
          cache_.update_node(*n);
          queue_.move_all_to_active();
        },
        [this](const client::ObjectPtr& n) { cache_.remove_node(str(*n, "metadata", "name")); },
    });
    pods_.add_handlers({
        [this](const client::ObjectPtr& p) { on_pod(*p); },
        [this](const client::ObjectPtr&, const client::ObjectPtr& p) { on_pod(*p); },
        [this](const client::ObjectPtr& p) {
          queue_.remove(client::object_key(*p));
          if (!str(*p, "spec", "nodeName").empty()) {
            cache_.remove_pod(*p);
            queue_.move_all_to_active();  // resources freed
          }
        },
    });
  }

  asio::awaitable<void> run() {
    std::vector<asio::awaitable<void>> tasks;
    tasks.push_back(pods_.run());
    tasks.push_back(nodes_.run());
    tasks.push_back(schedule_loop());
    tasks.push_back(housekeeping());
    co_await runtime::run_together(std::move(tasks));
  }

 private:
  bool responsible(const json::object& pod) const {
    auto name = str(pod, "spec", "schedulerName");
    return name.empty() || name == options_.scheduler_name;
  }

  void on_pod(const json::object& pod) {
    auto key = client::object_key(pod);
    if (!str(pod, "spec", "nodeName").empty()) {
      queue_.remove(key);
      cache_.update_pod(pod);  // confirms an assumed pod, or counts one bound by someone else
      return;
    }
    if (deleting(pod) || finished(pod) || !responsible(pod)) {
      queue_.remove(key);
      return;
    }
    queue_.add(key);
  }

  asio::awaitable<void> housekeeping() {
    asio::steady_timer timer(ex_);
    for (;;) {
      timer.expires_after(std::chrono::milliseconds(200));
      co_await timer.async_wait(asio::use_awaitable);
      auto now = std::chrono::steady_clock::now();
      queue_.flush(now);
      cache_.cleanup_expired(now);
    }
  }

  asio::awaitable<void> schedule_loop() {
    co_await pods_.wait_for_sync();
    co_await nodes_.wait_for_sync();
    log::info(kLog, "scheduling with {} nodes known", nodes_.size());
    for (;;) {
      auto key = co_await queue_.pop();
      schedule_one(key);
    }
  }

  // One scheduling cycle: synchronous, so the cache cannot change under it; the binding
  // cycle runs on its own.
  void schedule_one(const std::string& key) {
    auto pod = pods_.get(key);
    if (!pod || !str(*pod, "spec", "nodeName").empty() || deleting(*pod) || !responsible(*pod)) return;
    auto info = make_pod_info(*pod);
    if (cache_.has_pod(info->key())) return;  // assumed already, binding in flight
    auto result = algorithm_.schedule(*info, cache_);
    if (!result.ok()) {
      auto message = result.message();
      log::debug(kLog, "pod {} is unschedulable: {}", key, message);
      queue_.add_unschedulable(key);
      events_.event(*pod, "Warning", "FailedScheduling", message);
      if (scheduled_condition_message(*pod) != message) {
        asio::co_spawn(ex_, record_unschedulable(shared_from_this(), pod, message), asio::detached);
      }
      return;
    }
    if (auto assumed = cache_.assume_pod(info, result.node); !assumed) {
      log::warn(kLog, "assuming {} on {}: {}", key, result.node, assumed.error().message);
      queue_.add_backoff(key);
      return;
    }
    asio::co_spawn(ex_, bind(shared_from_this(), pod, info, result.node), asio::detached);
  }

  asio::awaitable<void> bind(std::shared_ptr<Scheduler>, client::ObjectPtr pod, std::shared_ptr<const PodInfo> info, std::string node) {
    auto ns = info->namespace_name, name = info->name, uid = info->uid;
    auto bound = co_await client_.bind(ns, name, uid, node);
    if (!bound) {
      log::warn(kLog, "binding {}/{} to {}: {}", ns, name, node, bound.error().message);
      (void)cache_.forget_pod(info->key());
      if (!bound.error().not_found()) queue_.add_backoff(client::object_key(*pod));
      co_return;
    }
    cache_.finish_binding(info->key(), std::chrono::steady_clock::now());
    events_.event(*pod, "Normal", "Scheduled", fmt::format("Successfully assigned {}/{} to {}", ns, name, node));
  }

  // PodScheduled=False with reason Unschedulable, as upstream's handleSchedulingFailure.
  asio::awaitable<void> record_unschedulable(std::shared_ptr<Scheduler>, client::ObjectPtr pod, std::string message) {
    json::object condition{{"type", "PodScheduled"},
                           {"status", "False"},
                           {"lastProbeTime", nullptr},
                           {"lastTransitionTime", apimachinery::duration::format_rfc3339(std::chrono::system_clock::now())},
                           {"reason", "Unschedulable"},
                           {"message", message}};
    // A strategic merge patch keyed by condition type leaves the other conditions alone.
    json::value patch = json::object{{"status", json::object{{"conditions", json::array{std::move(condition)}}}}};
    auto ns = str(*pod, "metadata", "namespace"), name = str(*pod, "metadata", "name");
    std::string status = "status";
    auto patched = co_await client_.patch(client::kinds::pods, ns, name, client::PatchType::kStrategic, patch, status);
    if (!patched) log::debug(kLog, "recording {}/{} unschedulable: {}", ns, name, patched.error().message);
  }

  asio::any_io_executor ex_;
  client::Client& client_;
  SchedulerOptions options_;
  client::Informer pods_;
  client::Informer nodes_;
  SchedulingQueue queue_;
  Cache cache_;
  Algorithm algorithm_;
  client::EventRecorder events_;
};

}  // namespace

asio::awaitable<void> run_scheduler(client::Client& client, const SchedulerOptions& options) {
  auto scheduler = std::make_shared<Scheduler>(co_await asio::this_coro::executor, client, options);
  co_await scheduler->run();
}

}  // namespace kscratch::scheduler
