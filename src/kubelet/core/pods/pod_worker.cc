#include "pod_worker.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/object.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"
#include "pod_status.h"
#include "probe.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace kscratch::kubelet {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace apimachinery::object;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::string_view kLog = "kubelet";
constexpr auto kResync = std::chrono::seconds(10);

const json::array& containers_of(const json::object& pod, std::string_view field) {
  static const json::array empty;
  auto* spec = object_at(pod, "spec");
  auto* list = spec ? spec->if_contains(field) : nullptr;
  return list && list->is_array() ? list->get_array() : empty;
}

const json::object* container_named(const json::object& pod, const std::string& name) {
  for (auto field : {"initContainers", "containers"}) {
    for (auto& c : containers_of(pod, field)) {
      if (c.is_object() && string_at(c.get_object(), "name") == name) return &c.get_object();
    }
  }
  return nullptr;
}

bool host_network(const json::object& pod) {
  auto* spec = object_at(pod, "spec");
  return spec && bool_at(*spec, "hostNetwork");
}

std::int64_t spec_grace(const json::object& pod) {
  auto* spec = object_at(pod, "spec");
  auto g = spec ? int_at(*spec, "terminationGracePeriodSeconds") : std::nullopt;
  return g.value_or(30);
}

// Go's time.Duration.String() for whole seconds: "10s", "1m20s", "5m0s".
std::string go_seconds(std::chrono::seconds d) {
  auto s = d.count();
  if (s < 60) return fmt::format("{}s", s);
  return fmt::format("{}m{}s", s / 60, s % 60);
}

// Go's time.Duration.String() for a measured time: "1.234s", "812.5ms".
std::string go_elapsed(Steady::duration d) {
  double ms = std::chrono::duration<double, std::milli>(d).count();
  if (ms < 1000) return fmt::format("{:.3f}ms", ms);
  return fmt::format("{:.3f}s", ms / 1000);
}

// Milliseconds since t0, for the pod start-up timing lines at debug level (-v=2) that
// scripts/bench-podstartup.sh's breakdown reads.
double ms_since(Steady::time_point t0) { return std::chrono::duration<double, std::milli>(Steady::now() - t0).count(); }

bool is_running(const containers::ContainerStatus& c) {
  return c.state == containers::State::running || c.state == containers::State::created;
}

// A system_clock instant as a steady_clock one, for back-offs measured from an exit.
Steady::time_point steady_of(std::chrono::system_clock::time_point t) {
  return Steady::now() - std::chrono::duration_cast<Steady::duration>(std::chrono::system_clock::now() - t);
}

}  // namespace

PodWorker::PodWorker(KubeletContext& ctx, std::string uid, client::ObjectPtr pod)
    : ctx_(ctx),
      uid_(std::move(uid)),
      pod_(std::move(pod)),
      signal_(std::make_unique<asio::steady_timer>(ctx.executor)) {}

void PodWorker::update(client::ObjectPtr pod) {
  log::debug(kLog, "timing pod {}/{}: informer {}", pod ? namespace_of(*pod) : ns(), pod ? name_of(*pod) : name(),
             pod ? "event" : "delete");
  if (pod) {
    pod_ = std::move(pod);
  } else {
    gone_ = true;
  }
  wake();
}

void PodWorker::wake() {
  pending_ = true;
  signal_->cancel();
}

void PodWorker::wake_after(Steady::duration d) { next_wake_ = std::min(next_wake_, Steady::now() + d); }

std::string PodWorker::ns() const { return pod_ ? namespace_of(*pod_) : std::string(); }
std::string PodWorker::name() const { return pod_ ? name_of(*pod_) : std::string(); }

bool PodWorker::owns_container(const std::string& id) const {
  for (auto& [name, cs] : state_.containers) {
    if ((cs.current && cs.current->id == id) || (cs.previous && cs.previous->id == id)) return true;
  }
  return false;
}

std::optional<ContainerLocation> PodWorker::find(const std::string& container, bool previous) const {
  std::string name = container;
  if (name.empty() && pod_) {
    auto& list = containers_of(*pod_, "containers");
    if (list.size() == 1) name = string_at(list[0].get_object(), "name");
  }
  auto it = state_.containers.find(name);
  if (it == state_.containers.end()) return std::nullopt;
  const auto& c = previous ? it->second.previous : it->second.current;
  if (!c) return std::nullopt;
  return ContainerLocation{c->id, c->log_path, is_running(*c)};
}

asio::awaitable<void> PodWorker::run(std::shared_ptr<PodWorker> self) {
  while (!self->finished_) {
    self->pending_ = false;
    self->next_wake_ = Steady::now() + kResync;
    try {
      co_await self->sync();
    } catch (const std::exception& e) {
      if (runtime::is_cancellation(std::current_exception())) throw;
      log::error(kLog, "sync of pod {}/{} ({}) failed: {}", self->ns(), self->name(), self->uid_, e.what());
      self->wake_after(std::chrono::seconds(2));
    }
    if (self->finished_) break;
    if (!self->pending_) {
      self->signal_->expires_at(self->next_wake_);
      co_await self->signal_->async_wait(asio::as_tuple(asio::use_awaitable));
      co_await runtime::throw_if_cancelled();
    }
  }
}

// Containers already on the node (a restarted kubelet): the newest attempt of each name is
// current, the one before it previous, older ones are removed.
void PodWorker::adopt_containers() {
  std::map<std::string, std::vector<containers::ContainerStatus>> by_name;
  for (auto& c : ctx_.runtime.list()) {
    auto uid = c.labels.find("io.kubernetes.pod.uid");
    if (uid == c.labels.end() || uid->second != uid_) continue;
    by_name[c.labels["io.kubernetes.container.name"]].push_back(c);
  }
  const json::object* pod = pod_.get();
  for (auto& [name, list] : by_name) {
    auto attempt = [](const containers::ContainerStatus& c) {
      auto it = c.labels.find("io.kubernetes.container.attempt");
      try {
        return it == c.labels.end() ? 0 : std::stoi(it->second);
      } catch (...) {
        return 0;
      }
    };
    std::sort(list.begin(), list.end(), [&](auto& a, auto& b) { return attempt(a) > attempt(b); });
    auto& cs = state_.containers[name];
    cs.current = list[0];
    cs.restart_count = attempt(list[0]);
    if (list.size() > 1) cs.previous = list[1];
    auto image = list[0].labels.find("io.kubernetes.container.image");
    if (image != list[0].labels.end()) cs.image = image->second;
    auto image_id = list[0].labels.find("io.kubernetes.container.imageID");
    if (image_id != list[0].labels.end()) cs.image_id = image_id->second;
    const json::object* spec = pod ? container_named(*pod, name) : nullptr;
    cs.started = !spec || !spec->contains("startupProbe");
    cs.ready = cs.started && (!spec || !spec->contains("readinessProbe"));
    if (spec && is_running(list[0])) start_probes(*spec, list[0].id);
    log::info(kLog, "pod {}/{}: adopted container {} ({})", ns(), this->name(), name, list[0].id);
  }
  if (pod) {
    if (auto* status = object_at(*pod, "status")) {
      if (auto t = parse_time(string_at(*status, "startTime"))) state_.start_time = *t;
    }
  }
}

void PodWorker::refresh_containers() {
  for (auto& [name, cs] : state_.containers) {
    if (!cs.current) continue;
    if (auto now = ctx_.runtime.status(cs.current->id)) cs.current = *now;
  }
}

asio::awaitable<void> PodWorker::sync() {
  if (!adopted_) {
    adopt_containers();
    adopted_ = true;
  }
  refresh_containers();
  client::ObjectPtr pod = pod_;
  if (gone_ || !pod) {
    // Deleted from the API without us (a forced delete): stop what is left at once.
    // Not `pod ? *pod : json::object()` in the co_await: g++ 12 destroys the conditional
    // temporary even when it was never made, which crashed the server (SIGSEGV in
    // ~object) whenever a pod was force-deleted, e.g. by a delete with grace 0.
    static const json::object no_pod;
    const json::object& last = pod ? *pod : no_pod;
    co_await terminate(last, 2);
    co_await cleanup();
    finished_ = true;
    co_return;
  }
  const json::object& p = *pod;
  if (is_being_deleted(p)) {
    auto grace = int_at(metadata_of(p), "deletionGracePeriodSeconds").value_or(spec_grace(p));
    co_await terminate(p, grace);
    refresh_containers();
    co_await report_status(p);
    co_await cleanup();
    client::DeleteOptions now;
    now.grace_period_seconds = 0;
    now.precondition_uid = uid_;
    auto pod_ns = namespace_of(p), pod_name = name_of(p);
    auto removed = co_await ctx_.client.remove(client::kinds::pods, pod_ns, pod_name, now);
    if (!removed && !removed.error().not_found() && !removed.error().conflict()) {
      log::warn(kLog, "pod {}/{}: final delete failed: {}", pod_ns, pod_name, removed.error().message);
      wake_after(std::chrono::seconds(2));
      co_return;
    }
    finished_ = true;
    co_return;
  }
  auto phase = string_at(reported_, "phase");
  if (phase.empty()) {
    if (auto* status = object_at(p, "status")) phase = string_at(*status, "phase");
  }
  if (phase == "Succeeded" || phase == "Failed") {
    // Terminal: nothing runs again; what still runs is stopped (upstream kills the pod).
    co_await terminate(p, spec_grace(p));
    refresh_containers();
    co_await report_status(p);
    co_return;
  }
  if (!state_.start_time) state_.start_time = std::chrono::system_clock::now();
  state_.host_ip = ctx_.node_ip;
  // Start-up timing (debug level): only the first sync of a pod, which starts it.
  bool timed = !state_.sandbox_ready && log::enabled(log::Level::debug);
  auto t0 = Steady::now();
  if (timed) log::debug(kLog, "timing pod {}/{}: sync start", ns(), name());
  if (!co_await ensure_sandbox(p)) {
    co_await report_status(p);
    co_return;
  }
  if (!volumes_) {
    spec::PodPlacement placement{ctx_.options.node_name, ctx_.node_ip, state_.pod_ip, ctx_.options.cluster_dns,
                                 ctx_.options.cluster_domain};
    auto dir = ctx_.pod_dir(uid_);
    auto etc = spec::write_pod_etc_files(p, dir, placement);
    auto volumes = co_await spec::prepare_volumes(p, dir, placement, ctx_.objects);
    if (!volumes || !etc) {
      auto message = !volumes ? volumes.error().message : etc.error().message;
      ctx_.events.event(p, "Warning", "FailedMount", fmt::format("MountVolume.SetUp failed: {}", message));
      wake_after(std::chrono::seconds(2));
      co_await report_status(p);
      co_return;
    }
    volumes_ = std::move(*volumes);
  }
  if (timed) log::debug(kLog, "timing pod {}/{}: sandbox+volumes {:.1f} ms", ns(), name(), ms_since(t0));
  bool initialized = true;
  co_await sync_init_containers(p, initialized);
  if (initialized) co_await sync_app_containers(p);
  auto t_status = Steady::now();
  co_await report_status(p);
  if (timed) {
    log::debug(kLog, "timing pod {}/{}: status patch {:.1f} ms, sync total {:.1f} ms", ns(), name(),
               ms_since(t_status), ms_since(t0));
  }
}

asio::awaitable<bool> PodWorker::ensure_sandbox(const json::object& pod) {
  if (host_network(pod)) {
    state_.pod_ip = ctx_.node_ip;
    state_.sandbox_ready = true;
    co_return true;
  }
  if (state_.sandbox_ready && netns_) co_return true;
  if (!ctx_.network_ready) {
    // The node has no pod CIDR yet (node IPAM assigns it right after registration).
    wake_after(std::chrono::seconds(1));
    co_return false;
  }
  auto t_attach = Steady::now();
  auto attached = ctx_.network.attach(uid_);
  log::debug(kLog, "timing pod {}/{}: network attach {:.1f} ms", ns(), name(), ms_since(t_attach));
  if (!attached) {
    ctx_.events.event(pod, "Warning", "FailedCreatePodSandBox",
                      fmt::format("Failed to create pod sandbox: {}", attached.error().message));
    wake_after(std::chrono::seconds(5));
    co_return false;
  }
  state_.pod_ip = attached->ip;
  netns_ = attached->netns;
  state_.sandbox_ready = true;
  co_return true;
}

asio::awaitable<void> PodWorker::sync_init_containers(const json::object& pod, bool& initialized) {
  initialized = true;
  auto policy = string_at(*object_at(pod, "spec"), "restartPolicy");
  for (auto& v : containers_of(pod, "initContainers")) {
    const auto& c = v.get_object();
    auto name = string_at(c, "name");
    auto& cs = state_.containers[name];
    if (cs.current && is_running(*cs.current)) {
      initialized = false;
      co_return;
    }
    if (cs.current && cs.current->exit_code == 0 && cs.current->state == containers::State::exited) continue;
    initialized = false;
    if (cs.current && policy == "Never") co_return;  // failed for good: the pod fails
    if (cs.current) {
      if (in_crash_backoff(pod, name, cs)) co_return;
      co_await start_container(pod, c, cs.restart_count + 1);
      co_return;
    }
    co_await start_container(pod, c, cs.restart_count);
    co_return;
  }
}

asio::awaitable<void> PodWorker::sync_app_containers(const json::object& pod) {
  for (auto& v : containers_of(pod, "containers")) {
    const auto& c = v.get_object();
    auto name = string_at(c, "name");
    auto& cs = state_.containers[name];
    if (cs.current && is_running(*cs.current)) {
      auto unhealthy = unhealthy_.find(cs.current->id);
      if (unhealthy != unhealthy_.end()) {
        auto why = unhealthy->second;
        unhealthy_.erase(unhealthy);
        co_await kill_container(pod, c, spec_grace(pod), why);
        wake();  // restarted on the next sync, under the back-off
      }
      continue;
    }
    if (cs.current) {
      if (!should_restart(pod, *cs.current)) {
        cs.waiting_reason.clear();
        continue;
      }
      if (in_crash_backoff(pod, name, cs)) continue;
      co_await start_container(pod, c, cs.restart_count + 1);
      continue;
    }
    co_await start_container(pod, c, cs.restart_count);
  }
}

bool PodWorker::in_crash_backoff(const json::object& pod, const std::string& name, ContainerState& cs) {
  auto key = backoff_key(name);
  auto since = steady_of(cs.current->finished_at);
  if (!ctx_.crash_backoff.in_backoff_since(key, since, Steady::now())) {
    ctx_.crash_backoff.next(key, Steady::now());  // the restart about to happen counts
    return false;
  }
  auto delay = ctx_.crash_backoff.delay(key);
  if (cs.waiting_reason != "CrashLoopBackOff") {
    ctx_.events.event(pod, "Warning", "BackOff",
                      fmt::format("Back-off restarting failed container {} in pod {}_{}({})", name, name_of(pod),
                                  namespace_of(pod), uid_));
  }
  cs.waiting_reason = "CrashLoopBackOff";
  cs.waiting_message = fmt::format("back-off {} restarting failed container={} pod={}_{}({})", go_seconds(delay), name,
                                   name_of(pod), namespace_of(pod), uid_);
  wake_after(since + delay - Steady::now());
  return true;
}

asio::awaitable<std::optional<images::Image>> PodWorker::ensure_image(const json::object& pod,
                                                                      const json::object& container) {
  auto name = string_at(container, "name");
  auto& cs = state_.containers[name];
  auto ref = string_at(container, "image");
  auto policy = string_at(container, "imagePullPolicy");
  if (policy.empty()) {
    auto parsed = images::parse_reference(ref);
    policy = parsed && parsed->digest.empty() && parsed->tag == "latest" ? "Always" : "IfNotPresent";
  }
  auto present = ctx_.images.find(ref);
  if (policy == "Never") {
    if (present) co_return present;
    cs.waiting_reason = "ErrImageNeverPull";
    cs.waiting_message = fmt::format("Container image \"{}\" is not present with pull policy of Never", ref);
    ctx_.events.event(pod, "Warning", "ErrImageNeverPull", cs.waiting_message);
    co_return std::nullopt;
  }
  if (policy == "IfNotPresent" && present) {
    ctx_.events.event(pod, "Normal", "Pulled", fmt::format("Container image \"{}\" already present on machine", ref));
    co_return present;
  }
  auto key = backoff_key(name) + "/image";
  if (auto failed = pull_failures_.find(key); failed != pull_failures_.end()) {
    if (ctx_.image_backoff.in_backoff_since(key, failed->second, Steady::now())) {
      cs.waiting_reason = "ImagePullBackOff";
      cs.waiting_message = fmt::format("Back-off pulling image \"{}\"", ref);
      ctx_.events.event(pod, "Normal", "BackOff", cs.waiting_message);
      wake_after(failed->second + ctx_.image_backoff.delay(key) - Steady::now());
      co_return std::nullopt;
    }
  }
  ctx_.events.event(pod, "Normal", "Pulling", fmt::format("Pulling image \"{}\"", ref));
  auto t0 = Steady::now();
  auto pulled = co_await ctx_.images.pull(ref);
  if (!pulled) {
    ctx_.image_backoff.next(key, Steady::now());
    pull_failures_[key] = Steady::now();
    cs.waiting_reason = "ErrImagePull";
    cs.waiting_message = pulled.error().message;
    ctx_.events.event(pod, "Warning", "Failed", fmt::format("Failed to pull image \"{}\": {}", ref, pulled.error().message));
    ctx_.events.event(pod, "Warning", "Failed", "Error: ErrImagePull");
    wake_after(ctx_.image_backoff.delay(key));
    co_return std::nullopt;
  }
  ctx_.image_backoff.reset(key);
  pull_failures_.erase(key);
  auto took = go_elapsed(Steady::now() - t0);
  ctx_.events.event(pod, "Normal", "Pulled",
                    fmt::format("Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {} bytes.",
                                ref, took, took, pulled->size));
  co_return std::move(*pulled);
}

asio::awaitable<bool> PodWorker::start_container(const json::object& pod, const json::object& container, int attempt) {
  auto name = string_at(container, "name");
  auto t_image = Steady::now();
  auto image = co_await ensure_image(pod, container);
  log::debug(kLog, "timing pod {}/{}: image lookup {:.1f} ms", ns(), this->name(), ms_since(t_image));
  auto& cs = state_.containers[name];
  if (!image) co_return false;

  spec::PodPlacement placement{ctx_.options.node_name, ctx_.node_ip, state_.pod_ip, ctx_.options.cluster_dns,
                               ctx_.options.cluster_domain};
  spec::ContainerInputs inputs;
  inputs.id = fmt::format("{}-{}-{}", uid_, name, attempt);
  inputs.attempt = attempt;
  inputs.cgroup_parent = ctx_.names.cgroup_parent + "/pod" + uid_;
  inputs.netns = host_network(pod) ? std::nullopt : netns_;
  inputs.log_path = ctx_.options.pod_log_dir / fmt::format("{}_{}_{}", namespace_of(pod), name_of(pod), uid_) / name /
                    fmt::format("{}.log", attempt);
  inputs.pod_dir = ctx_.pod_dir(uid_);
  auto t_spec = Steady::now();
  auto built = co_await spec::build_container_spec(pod, container, *image, *volumes_, placement, inputs, ctx_.objects);
  log::debug(kLog, "timing pod {}/{}: spec build {:.1f} ms", ns(), this->name(), ms_since(t_spec));
  if (!built) {
    cs.waiting_reason = built.error().reason;
    cs.waiting_message = built.error().message;
    ctx_.events.event(pod, "Warning", "Failed", fmt::format("Error: {}", built.error().message));
    co_return false;
  }
  auto parsed = images::parse_reference(string_at(container, "image"));
  std::string image_name = parsed ? parsed->str() : string_at(container, "image");
  std::string image_id = image->repo_digests.empty() ? image->id : image->repo_digests.front();
  auto& spec = *built;
  spec.labels["io.kubernetes.pod.uid"] = uid_;
  spec.labels["io.kubernetes.pod.name"] = name_of(pod);
  spec.labels["io.kubernetes.pod.namespace"] = namespace_of(pod);
  spec.labels["io.kubernetes.container.name"] = name;
  spec.labels["io.kubernetes.container.attempt"] = std::to_string(attempt);
  spec.labels["io.kubernetes.container.image"] = image_name;
  spec.labels["io.kubernetes.container.imageID"] = image_id;

  // A container of this attempt left by a start that failed is replaced.
  if (ctx_.runtime.status(spec.id)) (void)co_await ctx_.runtime.remove(spec.id);
  auto t_start = Steady::now();
  auto started = co_await ctx_.runtime.start(spec);
  log::debug(kLog, "timing pod {}/{}: runtime start {:.1f} ms", ns(), this->name(), ms_since(t_start));
  if (!started) {
    cs.waiting_reason = "CreateContainerError";
    cs.waiting_message = started.error().message;
    ctx_.events.event(pod, "Warning", "Failed", fmt::format("Error: {}", started.error().message));
    (void)co_await ctx_.runtime.remove(spec.id);
    wake_after(std::chrono::seconds(10));
    co_return false;
  }
  ctx_.events.event(pod, "Normal", "Created", fmt::format("Created container {}", name));
  ctx_.events.event(pod, "Normal", "Started", fmt::format("Started container {}", name));
  // Two containers per name are kept (current and previous, for logs --previous).
  if (cs.previous) (void)co_await ctx_.runtime.remove(cs.previous->id);
  cs.previous = cs.current;
  cs.current = *started;
  cs.restart_count = attempt;
  cs.waiting_reason.clear();
  cs.waiting_message.clear();
  cs.image = image_name;
  cs.image_id = image_id;
  cs.started = !container.contains("startupProbe");
  cs.ready = cs.started && !container.contains("readinessProbe");

  if (auto* lifecycle = object_at(container, "lifecycle")) {
    if (auto* hook = object_at(*lifecycle, "postStart")) {
      json::object handler = *hook;
      handler["timeoutSeconds"] = 30;
      auto outcome = co_await run_probe(handler, container, state_.pod_ip, ctx_.runtime, started->id);
      if (!outcome.success) {
        ctx_.events.event(pod, "Warning", "FailedPostStartHook", outcome.message);
        co_await kill_container(pod, container, spec_grace(pod), "FailedPostStartHook");
        co_return false;
      }
    }
  }
  start_probes(container, started->id);
  co_return true;
}

asio::awaitable<void> PodWorker::kill_container(const json::object& pod, const json::object& container,
                                                std::int64_t grace_seconds, const std::string& why) {
  auto name = string_at(container, "name");
  auto& cs = state_.containers[name];
  if (!cs.current || !is_running(*cs.current)) co_return;
  auto id = cs.current->id;
  std::string message = why.empty() ? fmt::format("Stopping container {}", name) : why;
  if (!pod.empty()) ctx_.events.event(pod, "Normal", "Killing", message);
  auto deadline = Steady::now() + std::chrono::seconds(grace_seconds);
  if (auto* lifecycle = object_at(container, "lifecycle")) {
    if (auto* hook = object_at(*lifecycle, "preStop")) {
      json::object handler = *hook;
      handler["timeoutSeconds"] = std::max<std::int64_t>(1, grace_seconds);
      auto outcome = co_await run_probe(handler, container, state_.pod_ip, ctx_.runtime, id);
      if (!outcome.success && !pod.empty()) ctx_.events.event(pod, "Warning", "FailedPreStopHook", outcome.message);
    }
  }
  auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - Steady::now());
  auto stopped = co_await ctx_.runtime.stop(id, std::max(left, std::chrono::seconds(0)));
  if (!stopped) log::warn(kLog, "pod {}/{}: stopping {}: {}", ns(), this->name(), id, stopped.error().message);
  if (auto now = ctx_.runtime.status(id)) cs.current = *now;
}

asio::awaitable<void> PodWorker::terminate(const json::object& pod, std::int64_t grace_seconds) {
  // Every running container at once, each with the whole grace period (upstream kills
  // a pod's containers in parallel).
  std::vector<json::object> targets;
  for (auto& [name, cs] : state_.containers) {
    if (!cs.current || !is_running(*cs.current)) continue;
    const json::object* spec = pod.empty() ? nullptr : container_named(pod, name);
    targets.push_back(spec ? *spec : json::object{{"name", name}});
  }
  if (targets.empty()) co_return;
  std::vector<asio::awaitable<void>> kills;
  std::string none;
  for (auto& t : targets) kills.push_back(kill_container(pod, t, grace_seconds, none));
  co_await runtime::run_together(std::move(kills));
}

asio::awaitable<void> PodWorker::cleanup() {
  for (auto& c : ctx_.runtime.list()) {
    auto uid = c.labels.find("io.kubernetes.pod.uid");
    if (uid != c.labels.end() && uid->second == uid_) {
      if (is_running(c)) (void)co_await ctx_.runtime.stop(c.id, std::chrono::seconds(0));
      (void)co_await ctx_.runtime.remove(c.id);
    }
  }
  if (auto detached = ctx_.network.detach(uid_); !detached) {
    log::warn(kLog, "pod {}: detaching its network: {}", uid_, detached.error().message);
  }
  auto dir = ctx_.pod_dir(uid_);
  if (auto cleaned = spec::cleanup_volumes(dir); !cleaned) {
    log::warn(kLog, "pod {}: cleaning its volumes: {}", uid_, cleaned.error().message);
  } else {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  (void)ctx_.runtime.remove_pod_cgroup(ctx_.names.cgroup_parent + "/pod" + uid_);
  if (pod_) {
    std::error_code ec;
    fs::remove_all(ctx_.options.pod_log_dir / fmt::format("{}_{}_{}", ns(), name(), uid_), ec);
  }
  log::info(kLog, "pod {}/{} ({}) cleaned up", ns(), name(), uid_);
}

asio::awaitable<void> PodWorker::report_status(const json::object& pod) {
  static const json::object none;
  auto* old = object_at(pod, "status");
  auto status = compute_pod_status(pod, state_, old ? *old : none, std::chrono::system_clock::now());
  if (status == reported_) co_return;
  json::value patch = json::object{{"status", status}};
  auto pod_ns = namespace_of(pod), pod_name = name_of(pod);
  std::string sub = "status";
  auto written = co_await ctx_.client.patch(client::kinds::pods, pod_ns, pod_name, client::PatchType::kMerge, patch, sub);
  if (!written) {
    if (!written.error().not_found()) {
      log::warn(kLog, "pod {}/{}: status update failed: {}", pod_ns, pod_name, written.error().message);
      wake_after(std::chrono::seconds(1));
    }
    co_return;
  }
  reported_ = std::move(status);
}

void PodWorker::start_probes(const json::object& container, const std::string& container_id) {
  auto name = string_at(container, "name");
  for (std::string kind : {"startupProbe", "livenessProbe", "readinessProbe"}) {
    if (!object_at(container, kind)) continue;
    ctx_.tasks.spawn(probe_loop(shared_from_this(), name, kind, container_id),
                     fmt::format("{} of {}", kind, container_id));
  }
}

asio::awaitable<void> PodWorker::probe_loop(std::shared_ptr<PodWorker> self, std::string container, std::string kind,
                                            std::string container_id) {
  client::ObjectPtr pod = self->pod_;
  const json::object* spec = pod ? container_named(*pod, container) : nullptr;
  const json::object* probe = spec ? object_at(*spec, kind) : nullptr;
  if (!probe) co_return;
  auto seconds = [&](std::string_view field, std::int64_t fallback) {
    return std::chrono::seconds(std::max<std::int64_t>(0, int_at(*probe, field).value_or(fallback)));
  };
  auto period = std::max(seconds("periodSeconds", 10), std::chrono::seconds(1));
  auto success_threshold = int_at(*probe, "successThreshold").value_or(1);
  auto failure_threshold = int_at(*probe, "failureThreshold").value_or(3);
  std::string label = kind == "livenessProbe" ? "Liveness" : kind == "readinessProbe" ? "Readiness" : "Startup";
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto sleep = [&](std::chrono::seconds d) -> asio::awaitable<void> {
    timer.expires_after(d);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await runtime::throw_if_cancelled();
  };
  auto current = [&]() -> ContainerState* {
    if (self->finished_) return nullptr;
    auto it = self->state_.containers.find(container);
    if (it == self->state_.containers.end() || !it->second.current || it->second.current->id != container_id ||
        !is_running(*it->second.current)) {
      return nullptr;
    }
    return &it->second;
  };
  co_await sleep(seconds("initialDelaySeconds", 0));
  std::int64_t successes = 0, failures = 0;
  while (auto* cs = current()) {
    if (kind == "startupProbe" && cs->started) co_return;
    if (kind != "startupProbe" && !cs->started) {
      co_await sleep(period);
      continue;
    }
    auto outcome = co_await run_probe(*probe, *spec, self->state_.pod_ip, self->ctx_.runtime, container_id);
    cs = current();
    if (!cs) co_return;
    if (outcome.success) {
      failures = 0;
      if (++successes >= success_threshold) {
        if (kind == "readinessProbe" && !cs->ready) {
          cs->ready = true;
          self->wake();
        }
        if (kind == "startupProbe") {
          cs->started = true;
          cs->ready = !spec->contains("readinessProbe");
          self->wake();
          co_return;
        }
      }
    } else {
      successes = 0;
      self->ctx_.events.event(*pod, "Warning", "Unhealthy", fmt::format("{} probe failed: {}", label, outcome.message));
      if (++failures >= failure_threshold) {
        if (kind == "readinessProbe") {
          if (cs->ready) {
            cs->ready = false;
            self->wake();
          }
        } else {
          auto what = kind == "livenessProbe" ? "liveness" : "startup";
          self->unhealthy_[container_id] =
              fmt::format("Container {} failed {} probe, will be restarted", container, what);
          self->wake();
          co_return;
        }
      }
    }
    co_await sleep(period);
  }
}

}  // namespace kscratch::kubelet
