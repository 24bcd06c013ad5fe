// `kscratch server`: the control plane on one io_context. Start-up order follows
// dependence: store, then credentials (CA, serving certificate, token, kubeconfig), then
// the API server; each long-running part is a supervisor task, so a failure in one stops
// the process cleanly.

#include "kscratch/apiserver/apiserver.h"
#include "kscratch/client/client.h"
#include "kscratch/client/transport.h"
#include "kscratch/controllers/controller_manager.h"
#ifdef KSCRATCH_WITH_DNS
#include "kscratch/dns/dns.h"
#endif
#ifdef KSCRATCH_WITH_KUBELET
#include "kscratch/kubelet/kubelet.h"
#include "node_options.h"
#endif
#ifdef KSCRATCH_WITH_PROXY
#include "proxy_options.h"
#endif
#include "kscratch/scheduler/scheduler.h"
#include "kscratch/pki/pki.h"
#include "kscratch/runtime/supervisor.h"
#include "kscratch/store/store.h"
#include "kscratch/util/log.h"
#include "kscratch/version.h"
#include "cluster_settings.h"
#include "roles.h"

#include <boost/asio/io_context.hpp>

#include <optional>

#include <unistd.h>

namespace kscratch::cli {

namespace {
constexpr std::string_view kLog = "server";

store::StoreOptions store_options(const ServerConfig& c) {
  store::StoreOptions o;
  o.path = c.data_dir / "server" / "db" / "state.db";
  o.compact_interval = c.store.compaction_interval;
  o.keep_revisions = c.store.keep_revisions;
  o.keep_window = c.store.keep_window;
  return o;
}

// The node's address: --node-ip, else the address of the default route (empty when this
// build has no kubelet to ask). The serving certificate and cluster DNS both use it.
std::string node_ip_of(const ServerConfig& c) {
  std::string node_ip = c.node.node_ip;
#ifdef KSCRATCH_WITH_KUBELET
  if (node_ip.empty()) node_ip = kubelet::default_node_ip();
#endif
  return node_ip;
}

#ifdef KSCRATCH_WITH_DNS
// Cluster DNS on the node's address (which pods reach over the bridge, and the proxy
// sends kube-dns's ClusterIP to), at the port the kube-dns endpoints name.
dns::DnsOptions dns_options(const ServerConfig& c, const std::string& node_name, const std::string& node_ip_or_empty) {
  std::string node_ip = node_ip_or_empty.empty() ? "127.0.0.1" : node_ip_or_empty;
  dns::DnsOptions o;
  o.listen_address = c.dns_bind_address.empty() ? node_ip : c.dns_bind_address;
  // Endpoints may not name loopback or unspecified addresses (API validation): the node IP
  // stands in, though pods reach a server on loopback only through the host network.
  bool local_only = o.listen_address == "0.0.0.0" || o.listen_address.starts_with("127.");
  o.endpoint_address = local_only ? node_ip : o.listen_address;
  o.port = static_cast<std::uint16_t>(c.dns_port);
  o.cluster_dns = c.node.cluster_dns;
  o.cluster_domain = c.node.cluster_domain;
  o.resolv_conf = c.dns_resolv_conf;
  o.node_name = node_name;
  return o;
}
#endif

// Every name clients may use to reach the API server, as upstream's serving certificate.
std::vector<std::string> serving_names(const ServerConfig& c, const std::string& node_ip) {
  std::vector<std::string> names = {"127.0.0.1", "localhost", "kubernetes", "kubernetes.default",
                                    "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "10.43.0.1"};
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0]) names.emplace_back(host);
  if (c.bind_address != "0.0.0.0" && c.bind_address != "::") names.push_back(c.bind_address);
  // The node's address: agents on other hosts reach the server there.
  if (!node_ip.empty()) names.push_back(node_ip);
  names.insert(names.end(), c.tls_sans.begin(), c.tls_sans.end());
  return names;
}
}  // namespace

int run_server(const ServerConfig& config) {
  log::set_verbosity(config.verbosity);
  boost::asio::io_context io(1);

  auto opened = store::open_store(io, store_options(config));
  if (!opened) {
    log::error(kLog, "cannot open the store: {}", opened.error().message);
    return 1;
  }
  auto db = *opened;

  const std::string node_ip = node_ip_of(config);
  auto pki = pki::ensure_server_pki(config.data_dir, pki::classify_names(serving_names(config, node_ip)));
  if (!pki) {
    log::error(kLog, "cannot set up certificates: {}", pki.error().message);
    return 1;
  }
  auto token = pki::ensure_server_token(config.data_dir, pki->ca.cert_pem, config.token);
  if (!token) {
    log::error(kLog, "cannot set up the join token: {}", token.error().message);
    return 1;
  }
  auto url = fmt::format("https://127.0.0.1:{}", config.https_listen_port);
  pki::Kubeconfig kubeconfig{url, pki->ca.cert_pem, pki->admin.cert_pem, pki->admin.key_pem, "", false};
  if (auto written = pki::write_kubeconfig(config.write_kubeconfig, kubeconfig); !written) {
    log::error(kLog, "cannot write the kubeconfig: {}", written.error().message);
    return 1;
  }
  log::info(kLog, "wrote kubeconfig {}", config.write_kubeconfig.string());

  apiserver::ApiServerOptions api_options;
  api_options.bind_address = config.bind_address;
  api_options.port = static_cast<std::uint16_t>(config.https_listen_port);
  api_options.tls_certificate_file = pki->serving_cert_file.string();
  api_options.tls_key_file = pki->serving_key_file.string();
  api_options.client_ca_file = pki->ca_cert_file.string();
  // The apiserver reaches kubelets (logs, exec) with its own client certificate.
  api_options.kubelet_client_cert_file = pki->kubelet_client_cert_file.string();
  api_options.kubelet_client_key_file = pki->kubelet_client_key_file.string();
  // Agents authenticate with the join token's password until they hold node certificates.
  api_options.tokens.push_back({token->password, "kscratch-node", {"system:nodes", "system:authenticated"}});
  api_options.advertise_address = fmt::format("127.0.0.1:{}", config.https_listen_port);
  api_options.default_not_ready_toleration_seconds = config.default_not_ready_toleration_seconds;
  api_options.default_unreachable_toleration_seconds = config.default_unreachable_toleration_seconds;
  api_options.git_version = kKubernetesVersion;
  apiserver::ApiServer api(io, db, api_options);

  runtime::Supervisor supervisor(io, config.shutdown_timeout);
  supervisor.add("store-maintenance", [db] { return db->run_maintenance(); });
  supervisor.add("apiserver", [&api] { return api.run(); });

  // The control plane's own components reach the API in process, as the identities
  // upstream gives them (which authorization will tell apart).
  client::Client controller_client(
      client::make_in_process_transport(api.handler(), "system:kube-controller-manager", {"system:authenticated"}),
      "kube-controller-manager");
  controllers::ControllerManagerOptions controller_options;
  controller_options.cluster_cidr = config.cluster_cidr;
  controller_options.node_monitor_grace_period = config.node_monitor_grace_period;
  supervisor.add("controller-manager", [&] {
    return controllers::run_controller_manager(controller_client, controller_options);
  });
  client::Client scheduler_client(
      client::make_in_process_transport(api.handler(), "system:kube-scheduler", {"system:authenticated"}),
      "default-scheduler");
  scheduler::SchedulerOptions scheduler_options;
  supervisor.add("scheduler", [&] { return scheduler::run_scheduler(scheduler_client, scheduler_options); });
  // What agents joining later take from the server (cluster_settings.h).
  client::Client settings_client(
      client::make_in_process_transport(api.handler(), "system:kscratch-server", {"system:masters", "system:authenticated"}),
      "kscratch");
  supervisor.add("cluster-settings", [&] { return publish_cluster_settings(settings_client, {config.cluster_cidr}); });
#ifdef KSCRATCH_WITH_KUBELET
  // The local agent: a kubelet reaching the API in process, as its node's identity.
  std::optional<client::Client> kubelet_client;
  std::optional<client::Client> proxy_client;
  if (!config.disable_agent) {
    auto node_options = kubelet_options(config.node, config.data_dir, config.cluster_cidr, pki->ca_cert_file);
    kubelet_client.emplace(client::make_in_process_transport(api.handler(), "system:node:" + node_options.node_name,
                                                             {"system:nodes", "system:authenticated"}),
                           "kubelet");
    supervisor.add("kubelet", [&, node_options] { return kubelet::run_kubelet(*kubelet_client, node_options); });
#ifdef KSCRATCH_WITH_PROXY
    // kube-proxy beside the kubelet, as k3s runs it; this one also gives LoadBalancer
    // services the nodes' addresses (k3s's built-in service load balancer).
    proxy_client.emplace(
        client::make_in_process_transport(api.handler(), "system:kube-proxy", {"system:authenticated"}), "kube-proxy");
    supervisor.add("proxy", [&, o = proxy_options(node_options, true)] { return proxy::run_proxy(*proxy_client, o); });
#endif
  }
#else
  if (!config.disable_agent) log::warn(kLog, "this build has no kubelet: running the control plane only");
#endif
#ifdef KSCRATCH_WITH_DNS
  // Cluster DNS (CoreDNS's place in k3s), reaching the API as CoreDNS's service account.
  std::optional<client::Client> dns_client;
  if (config.dns_port != 0) {
    std::string dns_node = config.disable_agent ? "" : config.node.node_name;
#ifdef KSCRATCH_WITH_KUBELET
    if (!config.disable_agent && dns_node.empty()) dns_node = kubelet::default_node_name();
#endif
    auto options = dns_options(config, dns_node, node_ip);
    dns_client.emplace(client::make_in_process_transport(api.handler(), "system:serviceaccount:kube-system:coredns",
                                                         {"system:serviceaccounts", "system:serviceaccounts:kube-system",
                                                          "system:authenticated"}),
                       "kscratch-dns");
    supervisor.add("dns", [&, options] { return dns::run_dns(*dns_client, options); });
  }
#endif
  log::info(kLog, "kscratch server running (data dir {}, store revision {})", config.data_dir.string(),
            db->revision());
  int code = supervisor.run();
  db->close();
  log::info(kLog, "kscratch server stopped");
  return code;
}

}  // namespace kscratch::cli
