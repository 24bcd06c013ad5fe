#include "node_status.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/object.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"
#include "kscratch/version.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace kscratch::kubelet {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace apimachinery::object;

namespace {

constexpr std::string_view kLog = "kubelet";

json::object condition(const json::object& old, std::string_view type, std::string_view status,
                       std::string_view reason, std::string_view message, const std::string& now) {
  std::string transition = now;
  if (auto* conditions = old.if_contains("conditions"); conditions && conditions->is_array()) {
    for (auto& c : conditions->get_array()) {
      if (c.is_object() && string_at(c.get_object(), "type") == type &&
          string_at(c.get_object(), "status") == status) {
        auto t = string_at(c.get_object(), "lastTransitionTime");
        if (!t.empty()) transition = t;
      }
    }
  }
  return json::object{{"type", type},           {"status", status},          {"reason", reason},
                      {"message", message},     {"lastHeartbeatTime", now}, {"lastTransitionTime", transition}};
}


}  // namespace

json::object node_object(const KubeletOptions& options) {
  json::object labels{{"kubernetes.io/hostname", options.node_name},
                      {"kubernetes.io/os", "linux"},
                      {"kubernetes.io/arch", "amd64"},
                      {"beta.kubernetes.io/os", "linux"},
                      {"beta.kubernetes.io/arch", "amd64"}};
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Node"},
                      {"metadata", json::object{{"name", options.node_name}, {"labels", labels}}},
                      {"spec", json::object{}}};
}

json::object node_status(const KubeletContext& ctx, const MachineInfo& machine, const json::object& old) {
  auto now = apimachinery::duration::format_rfc3339(std::chrono::system_clock::now());
  json::object resources{{"cpu", std::to_string(machine.cpus)},
                         {"memory", fmt::format("{}Ki", machine.memory_bytes / 1024)},
                         {"pods", std::to_string(ctx.options.max_pods)},
                         {"ephemeral-storage", fmt::format("{}Ki", machine.ephemeral_storage_bytes / 1024)}};
  json::array conditions{
      condition(old, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
      condition(old, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
      condition(old, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
      condition(old, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now)};
  json::array images;
  for (auto& image : ctx.images.list()) {
    json::array names;
    for (auto& d : image.repo_digests) names.push_back(json::value(d));
    for (auto& t : image.repo_tags) names.push_back(json::value(t));
    if (names.empty()) names.push_back(json::value(image.id));
    images.push_back(json::object{{"names", std::move(names)}, {"sizeBytes", image.size}});
    if (images.size() == 50) break;  // upstream's nodeStatusMaxImages
  }
  json::object info{{"machineID", machine.machine_id},
                    {"systemUUID", machine.machine_id},
                    {"bootID", machine.boot_id},
                    {"kernelVersion", machine.kernel_version},
                    {"osImage", machine.os_image},
                    {"containerRuntimeVersion", "runc://" + machine.runc_version},
                    {"kubeletVersion", kKubernetesVersion},
                    {"kubeProxyVersion", kKubernetesVersion},
                    {"operatingSystem", "linux"},
                    {"architecture", machine.architecture}};
  return json::object{
      {"capacity", resources},
      {"allocatable", resources},
      {"conditions", std::move(conditions)},
      {"addresses", json::array{json::object{{"type", "InternalIP"}, {"address", ctx.node_ip}},
                                json::object{{"type", "Hostname"}, {"address", ctx.options.node_name}}}},
      {"daemonEndpoints", json::object{{"kubeletEndpoint", json::object{{"Port", ctx.options.kubelet_port}}}}},
      {"nodeInfo", std::move(info)},
      {"images", std::move(images)}};
}

asio::awaitable<void> run_node_status(KubeletContext& ctx, MachineInfo machine) {
  std::string none;
  const auto& name = ctx.options.node_name;
  // Register: create, or take the existing Node (a restart, or a node that re-joins).
  for (;;) {
    auto created = co_await ctx.client.create(client::kinds::nodes, none, node_object(ctx.options));
    if (created || created.error().already_exists()) break;
    log::warn(kLog, "registering node {}: {}", name, created.error().message);
    co_await runtime::sleep_for(std::chrono::seconds(2));
  }
  log::info(kLog, "node {} registered (InternalIP {})", name, ctx.node_ip);
  json::object last;
  auto last_report = std::chrono::steady_clock::time_point{};
  for (;;) {
    auto current = co_await ctx.client.get(client::kinds::nodes, none, name);
    if (!current && current.error().not_found()) {
      // Deleted while we run: register again (upstream's kubelet does too).
      (void)co_await ctx.client.create(client::kinds::nodes, none, node_object(ctx.options));
      continue;
    }
    json::object old;
    if (current) {
      if (auto* s = object_at(*current, "status")) old = *s;
    }
    auto status = node_status(ctx, machine, old);
    // Reported when something other than heartbeats changed, and at least every interval.
    json::object comparable = status;
    comparable.erase("conditions");
    bool due = std::chrono::steady_clock::now() - last_report >= ctx.options.status_report_interval;
    if (due || comparable != last || !current) {
      json::value patch = json::object{{"status", status}};
      std::string sub = "status";
      auto written = co_await ctx.client.patch(client::kinds::nodes, none, name, client::PatchType::kMerge, patch, sub);
      if (written) {
        last = std::move(comparable);
        last_report = std::chrono::steady_clock::now();
      } else {
        log::warn(kLog, "node {}: status update failed: {}", name, written.error().message);
      }
    }
    co_await runtime::sleep_for(std::chrono::seconds(10));
  }
}

asio::awaitable<void> run_node_lease(KubeletContext& ctx) {
  std::string ns = "kube-node-lease";
  const auto& name = ctx.options.node_name;
  for (;;) {
    auto now = apimachinery::duration::format_rfc3339_micro(std::chrono::system_clock::now());
    auto lease = co_await ctx.client.get(client::kinds::leases, ns, name);
    if (lease) {
      auto& spec = ensure_object(*lease, "spec");
      spec["renewTime"] = now;
      spec["holderIdentity"] = name;
      spec["leaseDurationSeconds"] = ctx.options.lease_duration.count();
      auto updated = co_await ctx.client.update(client::kinds::leases, *lease);
      if (!updated && !updated.error().conflict()) log::warn(kLog, "renewing lease: {}", updated.error().message);
    } else if (lease.error().not_found()) {
      std::string none;
      auto node = co_await ctx.client.get(client::kinds::nodes, none, name);
      json::object meta{{"name", name}, {"namespace", ns}};
      if (node) {
        // Owned by the Node, so the lease goes when the node is deleted.
        meta["ownerReferences"] = json::array{json::object{{"apiVersion", "v1"},
                                                           {"kind", "Node"},
                                                           {"name", name},
                                                           {"uid", uid_of(*node)}}};
      }
      json::object l{{"apiVersion", "coordination.k8s.io/v1"},
                     {"kind", "Lease"},
                     {"metadata", meta},
                     {"spec", json::object{{"holderIdentity", name},
                                           {"leaseDurationSeconds", ctx.options.lease_duration.count()},
                                           {"renewTime", now}}}};
      auto created = co_await ctx.client.create(client::kinds::leases, ns, l);
      if (!created && !created.error().already_exists()) log::warn(kLog, "creating lease: {}", created.error().message);
    } else {
      log::warn(kLog, "reading lease: {}", lease.error().message);
    }
    co_await runtime::sleep_for(ctx.options.lease_renew_interval);
  }
}

}  // namespace kscratch::kubelet
