// `kscratch agent --server URL --token T`: a node that joins a server, as k3s's agent
// does. It fetches the cluster CA from the server's /cacerts and checks it against the
// hash in the join token (so a man in the middle cannot pose as the server), then runs
// the kubelet against the API over HTTPS with the token's password as its bearer token.
// The cluster CIDR comes from the server (cluster_settings.h), so every node agrees on it.

#include "kscratch/client/client.h"
#include "kscratch/client/https_connection.h"
#include "kscratch/client/transport.h"
#include "kscratch/pki/pki.h"
#include "kscratch/runtime/supervisor.h"
#include "kscratch/util/log.h"
#include "cluster_settings.h"
#include "roles.h"
#ifdef KSCRATCH_WITH_KUBELET
#include "kscratch/kubelet/kubelet.h"
#ifdef KSCRATCH_WITH_PROXY
#include "proxy_options.h"
#endif
#include "node_options.h"
#endif

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <fstream>

namespace kscratch::cli {

namespace {

constexpr std::string_view kLog = "agent";

// GET /cacerts without trusting the server yet; the token's hash is the trust.
Expected<std::string> fetch_ca(const std::string& server, const pki::JoinToken& token) {
  boost::asio::io_context io(1);
  pki::Kubeconfig insecure{server, "", "", "", "", true};
  client::TlsClientContext tls(insecure);
  client::HttpsConnection connection(io.get_executor(), tls, server, "");
  connection.set_timeout(std::chrono::seconds(10));
  auto fetched = boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<client::HttpResponse> {
        co_return co_await connection.request(std::string("GET"), std::string("/cacerts"), std::string());
      },
      boost::asio::use_future);
  io.run();
  client::HttpResponse response;
  try {
    response = fetched.get();
  } catch (const std::exception& e) {
    return make_error(fmt::format("GET {}/cacerts: {}", server, e.what()));
  }
  if (response.status != 200) return make_error(fmt::format("GET {}/cacerts: HTTP {}", server, response.status));
  if (auto checked = pki::check_ca_hash(token, response.body); !checked) return checked.error();
  return response.body;
}

}  // namespace

int run_agent(const AgentConfig& config) {
  log::set_verbosity(config.verbosity);
#ifdef KSCRATCH_WITH_KUBELET
  auto token = pki::parse_token(config.token);
  if (!token) {
    log::error(kLog, "bad --token: {}", token.error().message);
    return 1;
  }
  auto ca = fetch_ca(config.server, *token);
  if (!ca) {
    log::error(kLog, "cannot trust {}: {}", config.server, ca.error().message);
    return 1;
  }
  auto ca_file = config.data_dir / "agent" / "server-ca.crt";
  std::filesystem::create_directories(ca_file.parent_path());
  std::ofstream(ca_file, std::ios::trunc) << *ca;

  pki::Kubeconfig kubeconfig{config.server, *ca, "", "", token->password, false};
  auto settings = fetch_cluster_settings(kubeconfig, std::chrono::seconds(60));
  if (!settings) {
    log::error(kLog, "cannot join {}: {}", config.server, settings.error().message);
    return 1;
  }

  boost::asio::io_context io(1);
  auto node_options = kubelet_options(config.node, config.data_dir, settings->cluster_cidr, ca_file);
  client::Client kubelet_client(client::make_https_transport(io.get_executor(), kubeconfig), "kubelet");
  runtime::Supervisor supervisor(io, config.shutdown_timeout);
  supervisor.add("kubelet", [&] { return kubelet::run_kubelet(kubelet_client, node_options); });
#ifdef KSCRATCH_WITH_PROXY
  // kube-proxy beside the kubelet, with the node's credentials, as k3s's agent runs it.
  client::Client proxy_client(client::make_https_transport(io.get_executor(), kubeconfig), "kube-proxy");
  supervisor.add("proxy", [&, o = proxy_options(node_options, false)] { return proxy::run_proxy(proxy_client, o); });
#endif
  log::info(kLog, "joining {} as node {}", config.server, node_options.node_name);
  return supervisor.run();
#else
  log::error(kLog, "cannot join {}: this kscratch build has no kubelet", config.server);
  return 1;
#endif
}

}  // namespace kscratch::cli
