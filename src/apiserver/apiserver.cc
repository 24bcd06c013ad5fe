#include "kscratch/apiserver/apiserver.h"

#include "http/server.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"
#include "rest/api.h"

#include <openssl/crypto.h>

#include <fstream>
#include <iterator>

namespace kscratch::apiserver {

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

struct ApiServer::Impl {
  ApiServerOptions options;
  rest::Api api;
  http::Server server;

  Impl(boost::asio::io_context& io, std::shared_ptr<store::Store> store, ApiServerOptions o)
      : options(std::move(o)),
        api(std::move(store), rest::ApiConfig{options.git_version, options.advertise_address, options.kubelet_client_cert_file,
                                         options.kubelet_client_key_file, read_file(options.client_ca_file),
                                         options.default_not_ready_toleration_seconds,
                                         options.default_unreachable_toleration_seconds}),
        server(io,
               http::ServerOptions{options.bind_address, options.port,
                                   http::TlsFiles{options.tls_certificate_file, options.tls_key_file, options.client_ca_file}},
               api, [this](const std::string& token, const http::Identity* cert, http::Identity& out) {
                 return authenticate(token, cert, out);
               }) {}

  // As upstream's union of authenticators: a verified client certificate first, then
  // bearer tokens (compared in constant time). Anything else is 401.
  bool authenticate(const std::string& token, const http::Identity* cert, http::Identity& out) const {
    if (cert) {
      out = *cert;
      return true;
    }
    if (!token.empty()) {
      for (auto& t : options.tokens) {
        if (t.token.size() == token.size() && CRYPTO_memcmp(t.token.data(), token.data(), token.size()) == 0) {
          out.user = t.user;
          out.groups = t.groups;
          return true;
        }
      }
      return false;
    }
    return false;
  }
};

ApiServer::ApiServer(boost::asio::io_context& io, std::shared_ptr<store::Store> store, ApiServerOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(store), std::move(options))) {}

ApiServer::~ApiServer() = default;

boost::asio::awaitable<void> ApiServer::run() {
  co_await impl_->api.ensure_defaults();
  std::vector<boost::asio::awaitable<void>> tasks;
  tasks.push_back(impl_->api.run_caches());
  tasks.push_back(impl_->server.run());
  co_await runtime::run_together(std::move(tasks));
}

std::uint16_t ApiServer::port() const { return impl_->server.bound_port(); }

http::Handler& ApiServer::handler() { return impl_->api; }

bool ApiServer::ready() const { return impl_->api.ready(); }

}  // namespace kscratch::apiserver
