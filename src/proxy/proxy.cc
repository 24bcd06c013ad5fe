// The proxy's shell (see proxy.h): informers feed a set of changed services; a sync loop
// coalesces them, rebuilds each changed service's rules with the pure model (model.h),
// and writes only the difference in one transaction (nft_writer.h).

#include "kscratch/proxy/proxy.h"

#include "model.h"
#include "nft_writer.h"

#include "kscratch/client/informer.h"
#include "kscratch/netfilter/conntrack.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace kscratch::proxy {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kLog = "proxy";
constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";

std::string slice_service(const json::object& slice) {
  const auto* meta = slice.if_contains("metadata");
  if (!meta || !meta->is_object()) return {};
  const auto* labels = meta->get_object().if_contains("labels");
  if (!labels || !labels->is_object()) return {};
  const auto* name = labels->get_object().if_contains(kServiceNameLabel);
  const auto* ns = meta->get_object().if_contains("namespace");
  if (!name || !name->is_string() || !ns || !ns->is_string()) return {};
  return client::object_key(ns->get_string(), name->get_string());
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class Proxy {
 public:
  Proxy(client::Client& client, ProxyOptions options, asio::any_io_executor executor)
      : client_(client),
        options_(std::move(options)),
        services_(client, client::kinds::services),
        slices_(client, client::kinds::endpointslices),
        nodes_(client, client::kinds::nodes),
        writer_(options_.table),
        wake_(executor, asio::steady_timer::time_point::max()) {
    context_.node_name = options_.node_name;
    context_.cluster_cidr = Cidr::parse(options_.cluster_cidr);
    if (!context_.cluster_cidr) log::warn(kLog, "bad cluster CIDR '{}': masquerading all service traffic", options_.cluster_cidr);

    slices_.add_index("service", [](const json::object& o) {
      auto key = slice_service(o);
      return key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key};
    });
    services_.add_handlers({[this](const client::ObjectPtr& o) { service_changed(*o); },
                            [this](const client::ObjectPtr&, const client::ObjectPtr& o) { service_changed(*o); },
                            [this](const client::ObjectPtr& o) { service_changed(*o); }});
    slices_.add_handlers({[this](const client::ObjectPtr& o) { mark(slice_service(*o)); },
                          [this](const client::ObjectPtr& old, const client::ObjectPtr& o) {
                            mark(slice_service(*old));
                            mark(slice_service(*o));
                          },
                          [this](const client::ObjectPtr& o) { mark(slice_service(*o)); }});
    // Nodes matter for the load balancer status only (NodePorts match every local address).
    auto node_changed = [this](const client::ObjectPtr&) {
      if (!options_.manage_load_balancer_status) return;
      nodes_changed_ = true;
      wake();
    };
    nodes_.add_handlers({node_changed, [node_changed](const client::ObjectPtr&, const client::ObjectPtr& o) { node_changed(o); },
                         node_changed});
  }

  asio::awaitable<void> run() {
    std::vector<asio::awaitable<void>> parts;
    parts.push_back(services_.run());
    parts.push_back(slices_.run());
    parts.push_back(nodes_.run());
    parts.push_back(sync_loop());
    co_await runtime::run_together(std::move(parts));
  }

 private:
  void service_changed(const json::object& o) {
    mark(client::object_key(o));
    if (options_.manage_load_balancer_status) lb_dirty_.insert(client::object_key(o));
  }
  void mark(const std::string& key) {
    if (key.empty()) return;
    dirty_.insert(key);
    wake();
  }
  void wake() { wake_.cancel(); }

  ServiceRules build(const std::string& key) {
    auto svc = services_.get(key);
    if (!svc) return {};
    auto info = parse_service(*svc);
    std::vector<SliceInfo> slices;
    for (const auto& s : slices_.by_index("service", key)) slices.push_back(parse_endpoint_slice(*s));
    return build_service_rules(info, slices, context_);
  }

  void full_sync() {
    auto start = Clock::now();
    std::map<std::string, ServiceRules> all;
    for (const auto& svc : services_.list()) {
      auto key = client::object_key(*svc);
      auto rules = build(key);
      if (!rules.empty()) all.emplace(key, std::move(rules));
    }
    auto built = ms_since(start);
    dirty_.clear();
    auto s = writer_.full_sync(all);
    if (!s) {
      log::error(kLog, "full sync of {} services failed: {}", all.size(), s.error().message);
      full_needed_ = true;
      return;
    }
    applied_ = std::move(all);
    full_needed_ = false;
    next_full_ = Clock::now() + options_.full_resync_period;
    last_full_ms_ = ms_since(start);
    log::info(kLog, "full sync: {} services, {} messages in {:.1f} ms (model {:.1f} ms)", applied_.size(),
              writer_.last_messages(), last_full_ms_, built);
  }

  void partial_sync() {
    auto start = Clock::now();
    std::vector<std::pair<std::string, ServiceRules>> next;
    std::vector<NftWriter::Change> changes;
    static const ServiceRules kNone;
    auto keys = std::move(dirty_);
    dirty_.clear();
    next.reserve(keys.size());
    for (const auto& key : keys) next.emplace_back(key, build(key));
    for (const auto& [key, rules] : next) {
      auto it = applied_.find(key);
      const ServiceRules& before = it == applied_.end() ? kNone : it->second;
      auto diff = diff_rules(before, rules);
      if (diff.empty()) continue;
      changes.push_back({&before, &rules, std::move(diff)});
    }
    if (changes.empty()) return;
    auto s = writer_.apply(changes);
    if (!s) {
      log::error(kLog, "sync of {} services failed, resyncing all: {}", changes.size(), s.error().message);
      full_needed_ = true;
      return;
    }
    std::vector<std::string> stale;
    for (const auto& c : changes) {
      for (auto ip : c.diff.stale_udp_endpoints) stale.push_back(ipv4_string(ip));
    }
    for (auto& [key, rules] : next) {
      if (rules.empty()) {
        applied_.erase(key);
      } else {
        applied_[key] = std::move(rules);
      }
    }
    log::debug(kLog, "synced {} services ({} messages) in {:.2f} ms", changes.size(), writer_.last_messages(),
               ms_since(start));
    if (!stale.empty()) {
      // Flows to endpoints that left would otherwise keep their dead DNAT until timeout.
      auto deleted = netfilter::delete_udp_flows_to(stale);
      if (!deleted) log::warn(kLog, "conntrack clean-up: {}", deleted.error().message);
    }
  }

  asio::awaitable<void> sync_loop() {
    co_await services_.wait_for_sync();
    co_await slices_.wait_for_sync();
    co_await nodes_.wait_for_sync();
    auto backoff = std::chrono::milliseconds(500);
    for (;;) {
      if (full_needed_ || Clock::now() >= next_full_) {
        full_sync();
      } else if (!dirty_.empty()) {
        partial_sync();
      }
      if (options_.manage_load_balancer_status) co_await update_load_balancers();
      if (full_needed_) {
        co_await runtime::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
        continue;
      }
      backoff = std::chrono::milliseconds(500);
      if (dirty_.empty() && !nodes_changed_) {
        boost::system::error_code ec;
        wake_.expires_at(std::chrono::time_point_cast<asio::steady_timer::duration>(next_full_));
        co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_await runtime::throw_if_cancelled();
      }
      // Let a burst of events (a rollout, a scale) land in one transaction.
      co_await runtime::sleep_for(options_.coalesce);
    }
  }

  // status.loadBalancer.ingress of LoadBalancer services: every node's address.
  asio::awaitable<void> update_load_balancers() {
    if (nodes_changed_) {
      nodes_changed_ = false;
      for (const auto& s : services_.list()) lb_dirty_.insert(client::object_key(*s));
    }
    if (lb_dirty_.empty()) co_return;
    json::array ingress;
    std::set<std::string> ips;
    for (const auto& node : nodes_.list()) {
      const auto* status = node->if_contains("status");
      const auto* addresses = status && status->is_object() ? status->get_object().if_contains("addresses") : nullptr;
      if (!addresses || !addresses->is_array()) continue;
      for (const auto& a : addresses->get_array()) {
        if (!a.is_object()) continue;
        const auto* type = a.get_object().if_contains("type");
        const auto* address = a.get_object().if_contains("address");
        if (!type || !address || !type->is_string() || !address->is_string()) continue;
        if (type->get_string() != "InternalIP" && type->get_string() != "ExternalIP") continue;
        if (parse_ipv4(address->get_string())) ips.insert(std::string(address->get_string()));
      }
    }
    for (const auto& ip : ips) ingress.push_back(json::object{{"ip", ip}, {"ipMode", "VIP"}});
    auto keys = std::move(lb_dirty_);
    lb_dirty_.clear();
    for (const auto& key : keys) {
      auto svc = services_.get(key);
      if (!svc) continue;
      const auto* spec = svc->if_contains("spec");
      if (!spec || !spec->is_object()) continue;
      const auto* type = spec->get_object().if_contains("type");
      if (!type || !type->is_string() || type->get_string() != "LoadBalancer") continue;
      // Compared by address only: the apiserver may default fields of the entries.
      std::set<std::string> current;
      if (const auto* status = svc->if_contains("status"); status && status->is_object()) {
        if (const auto* lb = status->get_object().if_contains("loadBalancer"); lb && lb->is_object()) {
          if (const auto* in = lb->get_object().if_contains("ingress"); in && in->is_array()) {
            for (const auto& e : in->get_array()) {
              const auto* ip = e.is_object() ? e.get_object().if_contains("ip") : nullptr;
              if (ip && ip->is_string()) current.insert(std::string(ip->get_string()));
            }
          }
        }
      }
      if (current == ips) continue;
      json::value patch = json::object{{"status", json::object{{"loadBalancer", json::object{{"ingress", ingress}}}}}};
      std::string ns(svc->at("metadata").at("namespace").as_string());
      std::string name(svc->at("metadata").at("name").as_string());
      const std::string subresource = "status";
      auto result = co_await client_.patch(client::kinds::services, ns, name, client::PatchType::kMerge, patch, subresource);
      if (!result) log::warn(kLog, "cannot set the load balancer status of {}: {}", key, result.error().message);
    }
  }

  client::Client& client_;
  ProxyOptions options_;
  client::Informer services_, slices_, nodes_;
  NftWriter writer_;
  asio::steady_timer wake_;
  ModelContext context_;
  std::map<std::string, ServiceRules> applied_;
  std::set<std::string> dirty_;
  std::set<std::string> lb_dirty_;
  bool nodes_changed_ = false;
  bool full_needed_ = true;
  Clock::time_point next_full_ = Clock::now();
  double last_full_ms_ = 0;
};

}  // namespace

asio::awaitable<void> run_proxy(client::Client& client, ProxyOptions options) {
  if (options.table.empty()) throw std::runtime_error("proxy: no nf_tables table name");
  auto executor = co_await asio::this_coro::executor;
  log::info(kLog, "proxy for node {}: table ip {}, cluster CIDR {}", options.node_name, options.table,
            options.cluster_cidr);
  Proxy proxy(client, std::move(options), executor);
  co_await proxy.run();
}

Status delete_proxy_table(const std::string& table) { return NftWriter::delete_table(table); }

}  // namespace kscratch::proxy
