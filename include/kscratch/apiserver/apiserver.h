#pragma once
// kube-apiserver: the Kubernetes REST API over HTTPS, backed by the store. Every other
// component talks to the cluster through it.

#include "kscratch/store/store.h"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kscratch::apiserver {

namespace http {
class Handler;
}

struct BearerToken {
  std::string token;
  std::string user;
  std::vector<std::string> groups;
};

struct ApiServerOptions {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 6443;
  std::string tls_certificate_file;  // serving certificate chain (PEM)
  std::string tls_key_file;
  std::string client_ca_file;        // CA whose client certificates authenticate
  std::vector<BearerToken> tokens;
  std::string advertise_address = "127.0.0.1:6443";
  // The client certificate pods/log and pods/exec present to kubelets (upstream's
  // --kubelet-client-certificate and --kubelet-client-key).
  std::string kubelet_client_cert_file;
  std::string kubelet_client_key_file;
  std::string git_version = "v1.32.0+kscratch";
  // Upstream's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds.
  int default_not_ready_toleration_seconds = 300;
  int default_unreachable_toleration_seconds = 300;
};

class ApiServer {
 public:
  ApiServer(boost::asio::io_context& io, std::shared_ptr<store::Store> store, ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Creates the default namespaces, then serves until cancelled (a supervisor task).
  boost::asio::awaitable<void> run();
  std::uint16_t port() const;
  // The REST handler behind the listener: the in-process client transport calls it
  // directly, with no sockets or TLS (as upstream's loopback client, minus the loopback).
  http::Handler& handler();
  // True once the default namespaces exist (what /readyz reports).
  bool ready() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kscratch::apiserver
