#pragma once
// The apiserver's connections to kubelets (upstream's pkg/kubelet/client and the
// UpgradeAwareHandler): HTTPS with the apiserver's kubelet-client certificate, the
// kubelet's serving certificate not verified (upstream's default without
// --kubelet-certificate-authority). Beast and Asio's SSL stay in kubelet_client.cc.

#include "kscratch/apiserver/http.h"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace kscratch::apiserver::proxy {

struct KubeletEndpoint {
  std::string host;  // the node's address
  std::uint16_t port = 10250;
};

struct ClientCredentials {
  std::string cert_file;  // PEM client certificate (chain)
  std::string key_file;
};

// What the kubelet answered instead of the expected 200 or 101; status 0 means it could
// not be reached at all (error says why).
struct BackendReply {
  int status = 0;
  std::string body;
  std::string error;
};

// GET `target` on the kubelet. A 200 is relayed to `out` as a chunked text/plain stream,
// each piece as it arrives, until the kubelet ends it or the client goes away (nullopt);
// anything else comes back for the caller to turn into a Status.
boost::asio::awaitable<std::optional<BackendReply>> stream_get(const KubeletEndpoint& endpoint,
                                                               const ClientCredentials& credentials,
                                                               const std::string& target, http::Responder& out);

// Sends the client's upgrade request (its method, and the Upgrade, Connection and
// Sec-WebSocket-* headers) to `target` on the kubelet. On a 101 the response head goes
// back to the client and bytes are relayed both ways until either side ends (nullopt).
boost::asio::awaitable<std::optional<BackendReply>> proxy_upgrade(const KubeletEndpoint& endpoint,
                                                                  const ClientCredentials& credentials,
                                                                  const std::string& target,
                                                                  const http::Request& request, http::Responder& out);

}  // namespace kscratch::apiserver::proxy
