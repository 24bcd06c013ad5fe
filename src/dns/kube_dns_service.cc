#include "dns/kube_dns_service.h"

#include "kscratch/apimachinery/object.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"

namespace kscratch::dns {

namespace {

namespace obj = apimachinery::object;
namespace json = boost::json;
namespace asio = boost::asio;

constexpr std::string_view kLog = "dns";
constexpr const char* kNamespace = "kube-system";
constexpr const char* kName = "kube-dns";
// endpointslice.kubernetes.io/managed-by: not the EndpointSlice controller's, which
// leaves Services without a selector alone anyway.
constexpr const char* kManagedBy = "dns.kscratch.io";

json::array target_ports(const KubeDnsTarget& t) {
  return json::array{json::object{{"name", "dns"}, {"port", t.port}, {"protocol", "UDP"}},
                     json::object{{"name", "dns-tcp"}, {"port", t.port}, {"protocol", "TCP"}}};
}

json::object metadata(json::object labels) {
  return json::object{{"name", kName}, {"namespace", kNamespace}, {"labels", std::move(labels)}};
}

// Sets desired's value of each of `paths` (a top-level key, or "spec.ports") and its labels
// into current; whether anything changed.
bool mend(json::object& current, const json::object& desired, const std::vector<std::string>& paths) {
  bool changed = false;
  for (const auto& path : paths) {
    auto dot = path.find('.');
    json::object* into = &current;
    const json::object* from = &desired;
    std::string key = path;
    if (dot != std::string::npos) {
      into = &obj::ensure_object(current, path.substr(0, dot));
      from = obj::object_at(desired, path.substr(0, dot));
      key = path.substr(dot + 1);
    }
    const json::value* want = from ? from->if_contains(key) : nullptr;
    if (!want) continue;
    const json::value* have = into->if_contains(key);
    if (!have || *have != *want) {
      (*into)[key] = *want;
      changed = true;
    }
  }
  auto& labels = obj::ensure_object(obj::ensure_object(current, "metadata"), "labels");
  for (const auto& [k, v] : obj::labels_of(desired)) {
    if (obj::string_at(labels, k) != v) {
      labels[k] = v;
      changed = true;
    }
  }
  return changed;
}

// Creates the object, or mends `paths` of the one there; false on a failure (logged), which
// the next round, soon, tries again.
asio::awaitable<bool> ensure(client::Client& client, const client::Kind& kind, const json::object& desired,
                             const std::vector<std::string>& paths, const std::string& what) {
  std::string ns = kNamespace, name = kName;
  auto existing = co_await client.get(kind, ns, name);
  if (!existing) {
    if (!existing.error().not_found()) {
      log::warn(kLog, "cannot read {}: {}", what, existing.error().message);
      co_return false;
    }
    auto created = co_await client.create(kind, ns, desired);
    if (created) {
      log::info(kLog, "created {}", what);
    } else if (!created.error().already_exists()) {
      // At start-up kube-system may not exist yet: not worth a warning.
      log::at(created.error().not_found() ? log::Level::debug : log::Level::warning, kLog, "cannot create {}: {}",
              what, created.error().message);
      co_return false;
    }
    co_return true;
  }
  json::object current = std::move(*existing);
  if (!mend(current, desired, paths)) co_return true;
  auto updated = co_await client.update(kind, current);
  if (updated) {
    log::info(kLog, "updated {}", what);
  } else {
    log::warn(kLog, "cannot update {}: {}", what, updated.error().message);
  }
  co_return updated.ok();
}

asio::awaitable<bool> reconcile(client::Client& client, const KubeDnsTarget& target) {
  std::string ns = kNamespace, name = kName;
  auto service = co_await client.get(client::kinds::services, ns, name);
  if (service) {
    const auto* spec = obj::object_at(*service, "spec");
    auto ip = spec ? obj::string_at(*spec, "clusterIP") : std::string();
    if (ip != target.cluster_ip) {
      log::warn(kLog, "kube-system/kube-dns has ClusterIP {}, not --cluster-dns {}: pods will not reach DNS", ip,
                target.cluster_ip);
    }
  }
  // Arguments are named locals: g++ 12 mishandles temporaries in co_await expressions.
  json::object desired_service = kube_dns_service(target);
  std::vector<std::string> service_paths = {"spec.ports"};
  std::string service_what = "Service kube-system/kube-dns";
  bool service_ok = co_await ensure(client, client::kinds::services, desired_service, service_paths, service_what);
  json::object desired_endpoints = kube_dns_endpoints(target);
  std::vector<std::string> endpoints_paths = {"subsets"};
  std::string endpoints_what = "Endpoints kube-system/kube-dns";
  bool endpoints_ok =
      co_await ensure(client, client::kinds::endpoints, desired_endpoints, endpoints_paths, endpoints_what);
  json::object desired_slice = kube_dns_endpoint_slice(target);
  std::vector<std::string> slice_paths = {"addressType", "endpoints", "ports"};
  std::string slice_what = "EndpointSlice kube-system/kube-dns";
  bool slice_ok = co_await ensure(client, client::kinds::endpointslices, desired_slice, slice_paths, slice_what);
  co_return service_ok && endpoints_ok && slice_ok;
}

}  // namespace

json::object kube_dns_service(const KubeDnsTarget& t) {
  json::array ports{
      json::object{{"name", "dns"}, {"port", 53}, {"protocol", "UDP"}, {"targetPort", t.port}},
      json::object{{"name", "dns-tcp"}, {"port", 53}, {"protocol", "TCP"}, {"targetPort", t.port}}};
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", metadata(json::object{{"k8s-app", "kube-dns"}, {"kubernetes.io/cluster-service", "true"},
                                         {"kubernetes.io/name", "kscratch-dns"}})},
      {"spec", json::object{{"type", "ClusterIP"},
                            {"clusterIP", t.cluster_ip},
                            {"clusterIPs", json::array{json::value(t.cluster_ip)}},
                            {"ports", std::move(ports)}}}};
}

json::object kube_dns_endpoints(const KubeDnsTarget& t) {
  json::object address{{"ip", t.address}};
  if (!t.node_name.empty()) address["nodeName"] = t.node_name;
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Endpoints"},
      // Not mirrored into a second slice: kscratch writes the slice itself.
      {"metadata", metadata(json::object{{"k8s-app", "kube-dns"}, {"endpointslice.kubernetes.io/skip-mirror", "true"}})},
      {"subsets", json::array{json::object{{"addresses", json::array{std::move(address)}},
                                           {"ports", target_ports(t)}}}}};
}

json::object kube_dns_endpoint_slice(const KubeDnsTarget& t) {
  json::object endpoint{{"addresses", json::array{json::value(t.address)}},
                        {"conditions", json::object{{"ready", true}, {"serving", true}, {"terminating", false}}}};
  if (!t.node_name.empty()) endpoint["nodeName"] = t.node_name;
  return json::object{{"apiVersion", "discovery.k8s.io/v1"},
                      {"kind", "EndpointSlice"},
                      {"metadata", metadata(json::object{{"k8s-app", "kube-dns"},
                                                         {"kubernetes.io/service-name", kName},
                                                         {"endpointslice.kubernetes.io/managed-by", kManagedBy}})},
                      {"addressType", "IPv4"},
                      {"endpoints", json::array{std::move(endpoint)}},
                      {"ports", target_ports(t)}};
}

asio::awaitable<void> maintain_kube_dns(client::Client& client, KubeDnsTarget target, std::chrono::seconds interval) {
  for (;;) {
    bool ok = co_await reconcile(client, target);
    // A failure (kube-system not there yet, at the server's start) is retried within a second.
    std::chrono::steady_clock::duration wait = ok ? std::chrono::steady_clock::duration(interval)
                                                  : std::chrono::seconds(1);
    co_await runtime::sleep_for(wait);
  }
}

}  // namespace kscratch::dns
