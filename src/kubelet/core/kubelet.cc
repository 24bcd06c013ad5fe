// run_kubelet: the node's parts put together. Pods bound to this node (a field-selected
// informer) each get a PodWorker; a relist of the runtime every second wakes the workers
// whose containers changed (upstream's PLEG); housekeeping removes what belongs to pods
// that no longer exist; the node's status and lease loops and the kubelet's server run
// beside them, all on the one io_context.

#include "kscratch/kubelet/kubelet.h"

#include "context.h"
#include "kscratch/apimachinery/object.h"
#include "kscratch/client/informer.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"
#include "kubelet/server/server.h"
#include "node/node_info.h"
#include "node/node_status.h"
#include "object_source.h"
#include "pods/pod_worker.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace kscratch::kubelet {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace apimachinery::object;

namespace {

constexpr std::string_view kLog = "kubelet";


class Kubelet : public ContainerDirectory {
 public:
  explicit Kubelet(KubeletContext& ctx) : ctx_(ctx) {}

  std::optional<ContainerLocation> find(const std::string& ns, const std::string& pod, const std::string& container,
                                        bool previous) const override {
    for (auto& [uid, w] : workers_) {
      if (w->ns() == ns && w->name() == pod) {
        if (auto found = w->find(container, previous)) return found;
      }
    }
    return std::nullopt;
  }

  void on_pod(const client::ObjectPtr& pod) {
    auto uid = uid_of(*pod);
    auto it = workers_.find(uid);
    if (it != workers_.end()) {
      it->second->update(pod);
      return;
    }
    // A pod already finished here (its final delete's echo) needs no new worker.
    if (is_being_deleted(*pod) && finished_.count(uid)) return;
    auto worker = std::make_shared<PodWorker>(ctx_, uid, pod);
    workers_[uid] = worker;
    ctx_.tasks.spawn(run_worker(worker), fmt::format("pod worker {}/{}", namespace_of(*pod), name_of(*pod)));
  }

  void on_pod_deleted(const client::ObjectPtr& pod) {
    auto it = workers_.find(uid_of(*pod));
    if (it != workers_.end()) it->second->update(nullptr);
  }

  // The node's pod CIDR brings the bridge up; other nodes' CIDRs become routes.
  void on_nodes(const client::Informer& nodes) {
    std::vector<podnetwork::Route> routes;
    for (auto& node : nodes.list()) {
      auto* spec = object_at(*node, "spec");
      auto cidr = spec ? string_at(*spec, "podCIDR") : std::string();
      if (cidr.empty()) continue;
      if (name_of(*node) == ctx_.options.node_name) {
        if (cidr != pod_cidr_) {
          auto ensured = ctx_.network.ensure_node(cidr);
          if (!ensured) {
            log::error(kLog, "setting up the pod network for {}: {}", cidr, ensured.error().message);
            continue;
          }
          log::info(kLog, "pod network ready: bridge {} for {}", ctx_.names.bridge, cidr);
          pod_cidr_ = cidr;
          ctx_.network_ready = true;
          for (auto& [uid, w] : workers_) w->wake();
        }
        continue;
      }
      auto* status = object_at(*node, "status");
      auto* addresses = status ? status->if_contains("addresses") : nullptr;
      if (!addresses || !addresses->is_array()) continue;
      for (auto& a : addresses->get_array()) {
        if (a.is_object() && string_at(a.get_object(), "type") == "InternalIP") {
          routes.push_back({cidr, string_at(a.get_object(), "address")});
          break;
        }
      }
    }
    if (ctx_.network_ready) {
      if (auto synced = ctx_.network.sync_routes(routes); !synced) {
        log::warn(kLog, "routes to other nodes: {}", synced.error().message);
      }
    }
  }

  // Upstream's PLEG: what changed in the runtime since the last look wakes its pod.
  asio::awaitable<void> relist() {
    std::map<std::string, containers::State> last;
    for (;;) {
      std::map<std::string, containers::State> now;
      for (auto& c : ctx_.runtime.list()) {
        now[c.id] = c.state;
        auto before = last.find(c.id);
        if (before != last.end() && before->second == c.state) continue;
        auto uid = c.labels.find("io.kubernetes.pod.uid");
        if (uid == c.labels.end()) continue;
        if (auto w = workers_.find(uid->second); w != workers_.end()) w->second->wake();
      }
      last = std::move(now);
      co_await runtime::sleep_for(std::chrono::seconds(1));
    }
  }

  // Containers, networks and directories of pods that have no worker (deleted while the
  // kubelet was down, or left by a crash) are removed.
  asio::awaitable<void> housekeeping(client::Informer& pods) {
    co_await pods.wait_for_sync();
    for (;;) {
      std::set<std::string> live;
      for (auto& [uid, w] : workers_) live.insert(uid);
      std::set<std::string> orphans;
      for (auto& c : ctx_.runtime.list()) {
        auto uid = c.labels.find("io.kubernetes.pod.uid");
        if (uid == c.labels.end() || live.count(uid->second)) continue;
        orphans.insert(uid->second);
        log::info(kLog, "removing container {} of a pod that no longer exists", c.id);
        if (c.state == containers::State::running) (void)co_await ctx_.runtime.stop(c.id, std::chrono::seconds(0));
        (void)co_await ctx_.runtime.remove(c.id);
      }
      for (auto& uid : ctx_.network.attached_pods()) {
        if (live.count(uid)) continue;
        orphans.insert(uid);
        (void)ctx_.network.detach(uid);
      }
      std::error_code ec;
      for (auto& entry : fs::directory_iterator(ctx_.pod_dir("").parent_path(), ec)) {
        auto uid = entry.path().filename().string();
        if (live.count(uid)) continue;
        orphans.insert(uid);
        if (spec::cleanup_volumes(entry.path())) fs::remove_all(entry.path(), ec);
      }
      for (auto& uid : orphans) (void)ctx_.runtime.remove_pod_cgroup(ctx_.names.cgroup_parent + "/pod" + uid);
      co_await runtime::sleep_for(std::chrono::seconds(10));
    }
  }

 private:
  asio::awaitable<void> run_worker(std::shared_ptr<PodWorker> worker) {
    co_await PodWorker::run(worker);
    auto it = workers_.find(worker->uid());
    if (it != workers_.end() && it->second == worker) workers_.erase(it);
    finished_.insert(worker->uid());
  }

  KubeletContext& ctx_;
  std::map<std::string, std::shared_ptr<PodWorker>> workers_;
  std::set<std::string> finished_;
  std::string pod_cidr_;
};

// What scripts/kscratch-killall.sh reads to find everything this agent made on the host.
void write_host_names(const fs::path& agent_dir, const HostNames& n, const KubeletOptions& o) {
  std::error_code ec;
  fs::create_directories(agent_dir, ec);
  auto file = agent_dir / "host-names.env";
  std::ofstream out(file.string() + ".tmp", std::ios::trunc);
  out << "# Host-level names of the kscratch agent of node " << o.node_name << " (read by kscratch-killall.sh)\n"
      << "NODE_NAME=" << o.node_name << "\nTAG=" << n.tag << "\nBRIDGE=" << n.bridge
      << "\nVETH_PREFIX=" << n.veth_prefix  << "\nNFT_TABLE=" << n.nft_table << "\nPROXY_TABLE=" << n.proxy_table
      << "\nCGROUP_PARENT=" << n.cgroup_parent
      << "\nRUN_DIR=" << n.run_dir.string() << "\nPOD_LOG_DIR=" << o.pod_log_dir.string()
      << "\nDATA_DIR=" << o.data_dir.string() << "\n";
  out.close();
  // A copy in the run dir lets killall find every agent without knowing their data dirs.
  fs::create_directories(n.run_dir, ec);
  fs::copy_file(file.string() + ".tmp", n.run_dir / "host-names.env", fs::copy_options::overwrite_existing, ec);
  fs::rename(file.string() + ".tmp", file, ec);
}

}  // namespace

asio::awaitable<void> run_kubelet(client::Client& client, KubeletOptions options) {
  auto executor = co_await asio::this_coro::executor;
  if (options.node_name.empty()) options.node_name = default_node_name();
  auto names = host_names(options.data_dir, options.node_name);
  auto agent_dir = options.data_dir / "agent";

  write_host_names(agent_dir, names, options);

  images::ImageServiceOptions image_options{agent_dir / "images-store", agent_dir / "images", options.registries_file};
  auto opened = images::open_image_service(executor, image_options);
  if (!opened) throw std::runtime_error("cannot open the image store: " + opened.error().message);
  auto images = *opened;

  podnetwork::NetworkOptions network_options;
  network_options.bridge_name = names.bridge;
  network_options.veth_prefix = names.veth_prefix;
  network_options.nft_table = names.nft_table;
  network_options.state_dir = agent_dir / "network";
  network_options.netns_dir = names.run_dir / "netns";
  network_options.cluster_cidr = options.cluster_cidr;
  auto network = podnetwork::make_pod_network(network_options);

  containers::RuntimeOptions runtime_options;
  runtime_options.state_dir = agent_dir / "containers";
  runtime_options.runc_root = names.run_dir / "runc";
  runtime_options.self_exe = options.self_exe;
  auto runtime = containers::make_runc_runtime(executor, runtime_options);

  client::Informer services(client, client::kinds::services);
  services.add_index("namespace", client::index::by_namespace);
  ApiObjectSource objects(client, services);
  client::EventRecorder events(executor, client, "kubelet", options.node_name);
  runtime::TaskGroup tasks(executor);
  KubeletContext ctx{executor, client, events, *images, *network, *runtime, objects, tasks, options, names};
  ctx.node_ip = options.node_ip.empty() ? default_node_ip() : options.node_ip;
  auto machine = read_machine_info(options.data_dir, "runc");
  log::info(kLog, "kubelet for node {} (IP {}, runc {}, host names tag {})", options.node_name, ctx.node_ip,
            machine.runc_version, names.tag);

  Kubelet kubelet(ctx);
  client::InformerOptions mine;
  mine.field_selector = "spec.nodeName=" + options.node_name;
  client::Informer pods(client, client::kinds::pods, mine);
  pods.add_handlers({[&](const client::ObjectPtr& p) { kubelet.on_pod(p); },
                     [&](const client::ObjectPtr&, const client::ObjectPtr& p) { kubelet.on_pod(p); },
                     [&](const client::ObjectPtr& p) { kubelet.on_pod_deleted(p); }});
  client::Informer nodes(client, client::kinds::nodes);
  auto node_changed = [&](const client::ObjectPtr&) { kubelet.on_nodes(nodes); };
  nodes.add_handlers({node_changed, [&](const client::ObjectPtr&, const client::ObjectPtr&) { kubelet.on_nodes(nodes); },
                      node_changed});

  KubeletServerOptions server_options;
  server_options.address = options.kubelet_address;
  server_options.port = options.kubelet_port;
  server_options.cert_dir = agent_dir / "kubelet" / "pki";
  server_options.client_ca_file = options.client_ca_file;

  std::vector<asio::awaitable<void>> parts;
  parts.push_back(tasks.run());
  parts.push_back(run_node_status(ctx, machine));
  parts.push_back(run_node_lease(ctx));
  parts.push_back(nodes.run());
  parts.push_back(services.run());
  parts.push_back(pods.run());
  parts.push_back(kubelet.relist());
  parts.push_back(kubelet.housekeeping(pods));
  parts.push_back(images->watch_import_dir());
  parts.push_back(run_kubelet_server(executor, server_options, kubelet, *runtime));
  co_await runtime::run_together(std::move(parts));
}

}  // namespace kscratch::kubelet
