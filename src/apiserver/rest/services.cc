#include "services.h"

#include "api.h"
#include "objects.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace kscratch::apiserver::rest {

namespace {

bool wants_node_ports(const std::string& type) { return type == "NodePort" || type == "LoadBalancer"; }

FieldError field_error(std::string field, json::value bad, std::string detail) {
  return FieldError{FieldErrorType::invalid, std::move(field), std::move(bad), std::move(detail)};
}

}  // namespace

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255) return std::nullopt;
  return (a << 24) | (b << 16) | (c << 8) | d;
}

std::string format_ipv4(std::uint32_t ip) {
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

void ServiceAllocations::add(const json::object& service) {
  if (auto ip = parse_ipv4(string_at(service, "spec.clusterIP"))) ips.insert(*ip);
  if (auto* ports = find_path(service, "spec.ports"); ports && ports->is_array()) {
    for (auto& p : ports->get_array()) {
      if (!p.is_object()) continue;
      if (auto* np = p.get_object().if_contains("nodePort"); np && np->is_int64() && np->get_int64() > 0) {
        node_ports.insert(static_cast<int>(np->get_int64()));
      }
    }
  }
}

std::optional<ApiError> allocate_service(const Resource& r, json::object& service, const json::object* old,
                                         ServiceAllocations& used, const ServiceRanges& ranges) {
  auto& spec = child_object(service, "spec");
  auto type = string_at(service, "spec.type");
  if (type.empty()) type = "ClusterIP";
  auto name = name_of(service);
  static thread_local std::mt19937 rng(std::random_device{}());

  // ClusterIP: kept across updates; ExternalName services have none.
  if (type != "ExternalName") {
    auto ip_text = string_at(service, "spec.clusterIP");
    if (ip_text.empty() && old) ip_text = string_at(*old, "spec.clusterIP");
    if (ip_text.empty()) {
      std::uint32_t size = 1u << (32 - ranges.prefix);
      // Dynamic addresses come from above a low band first, which stays free for Services
      // that ask for a fixed address (kube-dns's 10.43.0.10): upstream's KEP-3070.
      std::uint32_t band = std::min<std::uint32_t>(std::max<std::uint32_t>(16, size / 16), 256);
      if (band >= size - 2) band = 2;
      std::uniform_int_distribution<std::uint32_t> pick(band, size - 2);
      std::optional<std::uint32_t> chosen;
      // Random probing first (cheap when the range is sparse), then a sweep.
      for (int i = 0; i < 64 && !chosen; ++i) {
        auto ip = ranges.network + pick(rng);
        if (!used.ips.count(ip)) chosen = ip;
      }
      for (std::uint32_t off = band; off < size - 1 && !chosen; ++off) {
        if (!used.ips.count(ranges.network + off)) chosen = ranges.network + off;
      }
      for (std::uint32_t off = 2; off < band && !chosen; ++off) {
        if (!used.ips.count(ranges.network + off)) chosen = ranges.network + off;
      }
      if (!chosen) {
        return invalid(r, name, {field_error("spec.clusterIPs", json::array{}, "failed to allocate IP: range is full")});
      }
      ip_text = format_ipv4(*chosen);
      used.ips.insert(*chosen);
    } else if (ip_text != "None") {
      auto ip = parse_ipv4(ip_text);
      bool same_as_before = old && string_at(*old, "spec.clusterIP") == ip_text;
      std::uint32_t mask = ranges.prefix == 0 ? 0 : ~0u << (32 - ranges.prefix);
      if (!ip || (*ip & mask) != ranges.network) {
        return invalid(r, name, {field_error("spec.clusterIPs", json::array{json::value(ip_text)},
                                             fmt::format("failed to allocate IP {}: the provided IP ({}) is not in the valid range. The range of valid IPs is {}/{}",
                                                         ip_text, ip_text, format_ipv4(ranges.network), ranges.prefix))});
      }
      if (!same_as_before && used.ips.count(*ip)) {
        return invalid(r, name, {field_error("spec.clusterIPs", json::array{json::value(ip_text)},
                                             fmt::format("failed to allocate IP {}: provided IP is already allocated", ip_text))});
      }
      used.ips.insert(*ip);
    }
    spec["clusterIP"] = ip_text;
    spec["clusterIPs"] = json::array{json::value(ip_text)};
    if (ip_text != "None" || !spec.contains("ipFamilies")) spec["ipFamilies"] = json::array{"IPv4"};
    if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
  }

  // Node ports for NodePort and LoadBalancer services, kept across updates by port.
  if (wants_node_ports(type)) {
    auto* ports = spec.if_contains("ports");
    if (ports && ports->is_array()) {
      std::set<int> old_ports;
      if (old) {
        ServiceAllocations previous;
        previous.add(*old);
        old_ports = previous.node_ports;
      }
      std::size_t index = 0;
      for (auto& p : ports->get_array()) {
        if (!p.is_object()) continue;
        auto& port = p.get_object();
        auto* np = port.if_contains("nodePort");
        std::int64_t want = np && np->is_int64() ? np->get_int64() : 0;
        if (want == 0 && old) {
          // The same port number keeps the node port it had.
          if (auto* old_list = find_path(*old, "spec.ports"); old_list && old_list->is_array()) {
            for (auto& op : old_list->get_array()) {
              if (op.is_object() && op.get_object().if_contains("port") && port.if_contains("port") &&
                  op.get_object().at("port") == port.at("port")) {
                if (auto* onp = op.get_object().if_contains("nodePort"); onp && onp->is_int64()) want = onp->get_int64();
              }
            }
          }
        }
        if (want == 0) {
          std::uniform_int_distribution<int> pick(ranges.node_port_min, ranges.node_port_max);
          int chosen = 0;
          for (int i = 0; i < 64 && !chosen; ++i) {
            int candidate = pick(rng);
            if (!used.node_ports.count(candidate)) chosen = candidate;
          }
          for (int candidate = ranges.node_port_min; candidate <= ranges.node_port_max && !chosen; ++candidate) {
            if (!used.node_ports.count(candidate)) chosen = candidate;
          }
          if (!chosen) {
            return invalid(r, name, {field_error(fmt::format("spec.ports[{}].nodePort", index), 0, "failed to allocate a node port: range is full")});
          }
          want = chosen;
        } else {
          bool kept = old_ports.count(static_cast<int>(want)) > 0;
          if (want < ranges.node_port_min || want > ranges.node_port_max) {
            return invalid(r, name, {field_error(fmt::format("spec.ports[{}].nodePort", index), want,
                                                 fmt::format("provided port is not in the valid range. The range of valid ports is {}-{}",
                                                             ranges.node_port_min, ranges.node_port_max))});
          }
          if (!kept && used.node_ports.count(static_cast<int>(want))) {
            return invalid(r, name, {field_error(fmt::format("spec.ports[{}].nodePort", index), want, "provided port is already allocated")});
          }
        }
        used.node_ports.insert(static_cast<int>(want));
        port["nodePort"] = want;
        ++index;
      }
    }
  } else if (auto* ports = spec.if_contains("ports"); ports && ports->is_array()) {
    for (auto& p : ports->get_array()) {
      if (p.is_object()) p.get_object().erase("nodePort");
    }
  }
  return std::nullopt;
}

void ServiceAllocationCache::count(const ServiceAllocations& a, int delta) {
  for (auto ip : a.ips) {
    if ((ip_holders_[ip] += delta) <= 0) ip_holders_.erase(ip);
  }
  for (auto port : a.node_ports) {
    if ((node_port_holders_[port] += delta) <= 0) node_port_holders_.erase(port);
  }
}

void ServiceAllocationCache::put(const std::string& name, store::Revision revision, const json::object& service) {
  auto& held = services_[name];
  if (held.revision > revision) return;  // a write recorded already is newer
  count(held.taken, -1);
  held.revision = revision;
  held.taken = {};
  held.taken.add(service);
  count(held.taken, +1);
}

void ServiceAllocationCache::remove(const std::string& name, store::Revision revision) {
  auto it = services_.find(name);
  if (it == services_.end() || it->second.revision > revision) return;
  count(it->second.taken, -1);
  services_.erase(it);
}

void ServiceAllocationCache::clear() {
  services_.clear();
  ip_holders_.clear();
  node_port_holders_.clear();
}

void ServiceAllocationCache::record(const std::string& key, store::Revision revision, const json::object& service) {
  // The watch has delivered this write (or a later one) already.
  if (!synced() || revision <= seen() || key.rfind(prefix(), 0) != 0) return;
  put(key.substr(prefix().size()), revision, service);
}

std::optional<ServiceAllocations> ServiceAllocationCache::allocations() const {
  if (!synced()) return std::nullopt;
  ServiceAllocations out;
  for (auto& [ip, _] : ip_holders_) out.ips.insert(out.ips.end(), ip);
  for (auto& [port, _] : node_port_holders_) out.node_ports.insert(out.node_ports.end(), port);
  return out;
}

asio::awaitable<ServiceAllocations> Api::service_allocations() {
  ServiceAllocations used = in_flight_;
  if (auto cached = service_cache_.allocations()) {
    used.ips.insert(cached->ips.begin(), cached->ips.end());
    used.node_ports.insert(cached->node_ports.begin(), cached->node_ports.end());
    co_return used;
  }
  const Resource* services = find_resource("", "v1", "services");
  auto listed = co_await store_->list(key_prefix(*services, ""));
  if (listed) {
    for (auto& kv : listed->items) {
      if (auto o = from_stored(kv.value, kv.mod_revision)) used.add(*o);
    }
  }
  co_return used;
}

}  // namespace kscratch::apiserver::rest
