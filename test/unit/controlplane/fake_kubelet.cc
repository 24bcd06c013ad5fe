#include "fake_kubelet.h"

#include "kscratch/apimachinery/duration.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace kscratch::testing {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {
std::string now() { return apimachinery::duration::format_rfc3339_micro(std::chrono::system_clock::now()); }
std::string str(const json::object& o, std::string_view a, std::string_view b) {
  auto* s = o.if_contains(a);
  if (!s || !s->is_object()) return {};
  auto* v = s->get_object().if_contains(b);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

FakeKubelet::FakeKubelet(client::Client& client, FakeNodeSpec spec, int index)
    : client_(client), spec_(std::move(spec)), index_(index) {}

asio::awaitable<void> FakeKubelet::register_node() {
  json::object labels{{"kubernetes.io/hostname", spec_.name}, {"kubernetes.io/os", "linux"}};
  for (auto& [k, v] : spec_.labels) labels[k] = v;
  json::object node{{"apiVersion", "v1"},
                    {"kind", "Node"},
                    {"metadata", json::object{{"name", spec_.name}, {"labels", labels}}},
                    {"spec", json::object{{"taints", spec_.taints}}}};
  std::string none;
  auto created = co_await client_.create(client::kinds::nodes, none, node);
  json::object resources{{"cpu", spec_.cpu}, {"memory", spec_.memory}, {"pods", "110"}};
  auto stamp = now();
  json::value status = json::object{
      {"status", json::object{{"capacity", resources},
                              {"allocatable", resources},
                              {"conditions", json::array{json::object{{"type", "Ready"},
                                                                      {"status", "True"},
                                                                      {"reason", "KubeletReady"},
                                                                      {"message", "kubelet is posting ready status"},
                                                                      {"lastHeartbeatTime", stamp},
                                                                      {"lastTransitionTime", stamp}}}}}}};
  std::string sub = "status";
  (void)co_await client_.patch(client::kinds::nodes, none, spec_.name, client::PatchType::kStrategic, status, sub);
  (void)created;
}

asio::awaitable<void> FakeKubelet::renew_lease() {
  std::string ns = "kube-node-lease";
  auto lease = co_await client_.get(client::kinds::leases, ns, spec_.name);
  if (!lease) {
    json::object l{{"apiVersion", "coordination.k8s.io/v1"},
                   {"kind", "Lease"},
                   {"metadata", json::object{{"name", spec_.name}, {"namespace", ns}}},
                   {"spec", json::object{{"holderIdentity", spec_.name}, {"leaseDurationSeconds", 40}, {"renewTime", now()}}}};
    (void)co_await client_.create(client::kinds::leases, ns, l);
    co_return;
  }
  (*lease)["spec"].as_object()["renewTime"] = now();
  (void)co_await client_.update(client::kinds::leases, *lease);
}

asio::awaitable<void> FakeKubelet::sync_pods() {
  client::ListOptions mine;
  mine.field_selector = "spec.nodeName=" + spec_.name;
  std::string all;
  auto pods = co_await client_.list(client::kinds::pods, all, mine);
  if (!pods) co_return;
  for (auto& pod : pods->items) {
    auto ns = str(pod, "metadata", "namespace"), name = str(pod, "metadata", "name");
    if (pod.at("metadata").as_object().contains("deletionTimestamp")) {
      client::DeleteOptions now_;
      now_.grace_period_seconds = 0;
      (void)co_await client_.remove(client::kinds::pods, ns, name, now_);
      continue;
    }
    if (str(pod, "status", "phase") == "Running") continue;
    auto stamp = now();
    json::value status = json::object{
        {"status", json::object{{"phase", "Running"},
                                {"podIP", fmt::format("10.42.{}.{}", index_, next_ip_++)},
                                {"startTime", stamp},
                                {"conditions", json::array{json::object{{"type", "Ready"},
                                                                        {"status", "True"},
                                                                        {"lastTransitionTime", stamp}}}}}}};
    std::string sub = "status";
    (void)co_await client_.patch(client::kinds::pods, ns, name, client::PatchType::kStrategic, status, sub);
  }
}

asio::awaitable<void> FakeKubelet::run() {
  co_await register_node();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopped_) {
    co_await renew_lease();
    co_await sync_pods();
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace kscratch::testing
