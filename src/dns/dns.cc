// run_dns: the informers, the catalog over them, the forwarder, the server and the
// kube-dns Service, as one component.

#include "kscratch/dns/dns.h"

#include "dns/forwarder.h"
#include "dns/informer_catalog.h"
#include "dns/kube_dns_service.h"
#include "dns/message.h"
#include "dns/server.h"
#include "dns/upstreams.h"
#include "kscratch/client/informer.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"

#include <boost/asio/this_coro.hpp>

#include <fstream>
#include <sstream>

namespace kscratch::dns {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "dns";
constexpr std::chrono::seconds kRereadResolvConf{60};
constexpr std::chrono::seconds kRetryBind{5};
constexpr std::chrono::seconds kReconcileKubeDns{10};

std::vector<Upstream> upstreams_for(const DnsOptions& o) {
  std::vector<Upstream> out;
  if (!o.upstreams.empty()) {
    for (const auto& text : o.upstreams) {
      if (auto u = parse_upstream(text)) {
        out.push_back(*u);
      } else {
        log::warn(kLog, "ignoring upstream resolver {}: not IP or IP:PORT", text);
      }
    }
    return out;
  }
  std::ifstream in(o.resolv_conf);
  std::stringstream content;
  content << in.rdbuf();
  return usable_upstreams(nameservers_of(content.str()), o.cluster_dns, o.listen_address, o.port);
}

std::string describe(const std::vector<Upstream>& upstreams) {
  std::string out;
  for (const auto& u : upstreams) out += (out.empty() ? "" : ", ") + u.address + ":" + std::to_string(u.port);
  return out.empty() ? "none" : out;
}

asio::awaitable<void> keep_upstreams(Forwarder& forwarder, const DnsOptions& options) {
  for (bool first = true;; first = false) {
    auto upstreams = upstreams_for(options);
    if (upstreams != forwarder.upstreams() || first) {
      if (upstreams.empty()) {
        log::warn(kLog, "no nameserver to forward to (from {}): names outside {} get SERVFAIL",
                  options.upstreams.empty() ? options.resolv_conf.string() : "--upstreams", options.cluster_domain);
      } else {
        log::info(kLog, "forwarding names outside {} to {}", options.cluster_domain, describe(upstreams));
      }
      forwarder.set_upstreams(std::move(upstreams));
    }
    co_await runtime::sleep_for(kRereadResolvConf);
  }
}

// Serves once the caches hold the cluster (an empty cache would answer NXDOMAIN, which
// clients cache), binding again until the address is free.
asio::awaitable<void> serve(Server& server, client::Informer& services, client::Informer& slices,
                            const DnsOptions& options) {
  co_await services.wait_for_sync();
  co_await slices.wait_for_sync();
  for (bool warned = false;; warned = true) {
    try {
      server.bind(options.listen_address, options.port);
      break;
    } catch (const std::runtime_error& e) {
      if (!warned) log::warn(kLog, "{}; trying again every {} s", e.what(), kRetryBind.count());
    }
    co_await runtime::sleep_for(kRetryBind);
  }
  co_await server.run(options.listen_address, options.port);
}

std::string normalized_domain(std::string domain) {
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  return lower(domain);
}

}  // namespace

asio::awaitable<void> run_dns(client::Client& client, DnsOptions options) {
  auto executor = co_await asio::this_coro::executor;
  client::Informer services(client, client::kinds::services);
  client::Informer slices(client, client::kinds::endpointslices);
  InformerCatalog catalog(services, slices);
  Forwarder forwarder(executor, options.forward_timeout);
  ZoneConfig zone;
  zone.domain = normalized_domain(options.cluster_domain);
  zone.ttl = options.ttl;
  Server server(executor, catalog, forwarder, zone);

  std::vector<asio::awaitable<void>> tasks;
  tasks.push_back(services.run());
  tasks.push_back(slices.run());
  tasks.push_back(keep_upstreams(forwarder, options));
  tasks.push_back(serve(server, services, slices, options));
  if (options.manage_service) {
    KubeDnsTarget target;
    target.cluster_ip = options.cluster_dns;
    target.address = options.endpoint_address.empty() ? options.listen_address : options.endpoint_address;
    target.port = options.port;
    target.node_name = options.node_name;
    tasks.push_back(maintain_kube_dns(client, target, kReconcileKubeDns));
  }
  co_await runtime::run_together(std::move(tasks));
}

}  // namespace kscratch::dns
