#pragma once
// One pod on this node, driven to its spec by one coroutine (upstream's podWorkers +
// syncPod): every sync re-reads the latest pod object and the containers' state, does
// the next steps (network, volumes, image pulls, init containers in order, app
// containers, restarts with back-off, probes' verdicts), and reports the status. A pod
// being deleted is stopped (preStop, SIGTERM, grace, SIGKILL), cleaned up, and then
// deleted for good.

#include "../context.h"
#include "kubelet/server/server.h"
#include "pod_state.h"

#include "kscratch/client/informer.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace kscratch::kubelet {

class PodWorker : public std::enable_shared_from_this<PodWorker> {
 public:
  PodWorker(KubeletContext& ctx, std::string uid, client::ObjectPtr pod);

  // The latest object from the informer; nullptr once the pod is gone from the API.
  void update(client::ObjectPtr pod);
  // Something changed (a container exited, a probe's verdict): sync soon.
  void wake();
  // Syncs until the pod is gone and cleaned up (or until cancelled).
  static boost::asio::awaitable<void> run(std::shared_ptr<PodWorker> self);

  std::optional<ContainerLocation> find(const std::string& container, bool previous) const;
  const std::string& uid() const { return uid_; }
  std::string ns() const;
  std::string name() const;
  bool finished() const { return finished_; }
  // The ids of the containers this worker knows (for the orphan sweep).
  bool owns_container(const std::string& id) const;

 private:
  boost::asio::awaitable<void> sync();
  boost::asio::awaitable<void> terminate(const json::object& pod, std::int64_t grace_seconds);
  boost::asio::awaitable<void> cleanup();
  boost::asio::awaitable<bool> ensure_sandbox(const json::object& pod);
  boost::asio::awaitable<void> sync_init_containers(const json::object& pod, bool& initialized);
  boost::asio::awaitable<void> sync_app_containers(const json::object& pod);
  // Starts the container (image, spec, runtime) as attempt; false when it could not.
  boost::asio::awaitable<bool> start_container(const json::object& pod, const json::object& container, int attempt);
  boost::asio::awaitable<std::optional<images::Image>> ensure_image(const json::object& pod,
                                                                    const json::object& container);
  boost::asio::awaitable<void> kill_container(const json::object& pod, const json::object& container,
                                              std::int64_t grace_seconds, const std::string& why);
  boost::asio::awaitable<void> report_status(const json::object& pod);
  static boost::asio::awaitable<void> probe_loop(std::shared_ptr<PodWorker> self, std::string container,
                                                 std::string kind, std::string container_id);
  void start_probes(const json::object& container, const std::string& container_id);
  // Whether an exited container must wait before its restart (CrashLoopBackOff); if not,
  // the restart is counted in the back-off.
  bool in_crash_backoff(const json::object& pod, const std::string& name, ContainerState& cs);
  void refresh_containers();
  void adopt_containers();
  std::string backoff_key(const std::string& container) const { return uid_ + "/" + container; }
  void wake_after(std::chrono::steady_clock::duration d);

  KubeletContext& ctx_;
  std::string uid_;
  client::ObjectPtr pod_;
  bool gone_ = false;
  PodState state_;
  // Liveness or startup probes that gave up, by container id: kill and restart.
  std::map<std::string, std::string> unhealthy_;
  std::optional<spec::Volumes> volumes_;
  std::optional<std::filesystem::path> netns_;
  // When each container's last image pull failed (the image back-off's start).
  std::map<std::string, std::chrono::steady_clock::time_point> pull_failures_;
  json::object reported_;  // the last status written
  bool adopted_ = false;
  bool pending_ = true;
  bool finished_ = false;
  std::chrono::steady_clock::time_point next_wake_;
  std::unique_ptr<boost::asio::steady_timer> signal_;
};

}  // namespace kscratch::kubelet
