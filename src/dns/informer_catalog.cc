#include "dns/informer_catalog.h"

#include "kscratch/apimachinery/object.h"

#include <chrono>

namespace kscratch::dns {

namespace {

namespace obj = apimachinery::object;
namespace json = boost::json;

constexpr const char* kByService = "service";
constexpr const char* kByClusterIP = "clusterIP";
constexpr const char* kByAddress = "address";

std::uint32_t now_seconds() {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array()) {
    for (const auto& s : v->get_array()) {
      if (s.is_string()) out.emplace_back(s.get_string());
    }
  }
  return out;
}

// "namespace/service" of a slice, from its kubernetes.io/service-name label.
std::vector<std::string> slice_service(const json::object& slice) {
  auto labels = obj::labels_of(slice);
  auto it = labels.find("kubernetes.io/service-name");
  if (it == labels.end() || it->second.empty()) return {};
  return {obj::namespace_of(slice) + "/" + it->second};
}

std::vector<std::string> cluster_ips(const json::object& service) {
  const auto* spec = obj::object_at(service, "spec");
  if (!spec) return {};
  auto ips = strings_of(spec->if_contains("clusterIPs"));
  if (ips.empty() && !obj::string_at(*spec, "clusterIP").empty()) ips.push_back(obj::string_at(*spec, "clusterIP"));
  std::erase(ips, "None");
  return ips;
}

std::vector<std::string> slice_addresses(const json::object& slice) {
  std::vector<std::string> out;
  const auto* endpoints = slice.if_contains("endpoints");
  if (!endpoints || !endpoints->is_array()) return out;
  for (const auto& e : endpoints->get_array()) {
    if (!e.is_object()) continue;
    for (auto& a : strings_of(e.get_object().if_contains("addresses"))) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

InformerCatalog::InformerCatalog(client::Informer& services, client::Informer& slices)
    : services_(services), slices_(slices), serial_(now_seconds()) {
  services_.add_index(kByClusterIP, cluster_ips);
  slices_.add_index(kByService, slice_service);
  slices_.add_index(kByAddress, slice_addresses);
  client::EventHandlers handlers;
  handlers.on_add = [this](const client::ObjectPtr&) { changed(); };
  handlers.on_update = [this](const client::ObjectPtr&, const client::ObjectPtr&) { changed(); };
  handlers.on_delete = [this](const client::ObjectPtr&) { changed(); };
  services_.add_handlers(handlers);
  slices_.add_handlers(handlers);
}

// The serial is the time of the last change, as CoreDNS's; it only ever grows.
void InformerCatalog::changed() { serial_ = std::max(serial_ + 1, now_seconds()); }

ObjectPtr InformerCatalog::service(const std::string& ns, const std::string& name) const {
  return services_.get(ns, name);
}

std::vector<ObjectPtr> InformerCatalog::endpoint_slices(const std::string& ns, const std::string& name) const {
  return slices_.by_index(kByService, ns + "/" + name);
}

std::vector<ObjectPtr> InformerCatalog::services_with_cluster_ip(const std::string& ip) const {
  return services_.by_index(kByClusterIP, ip);
}

std::vector<ObjectPtr> InformerCatalog::slices_with_address(const std::string& ip) const {
  return slices_.by_index(kByAddress, ip);
}

}  // namespace kscratch::dns
