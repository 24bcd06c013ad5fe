#pragma once
// The HTTPS front of the apiserver: Boost.Beast HTTP/1.1 over OpenSSL, one coroutine per
// connection on the loop, keep-alive, a timeout on every read and write, chunked
// streaming, and a graceful stop that lets in-flight requests finish.

#include "kscratch/apiserver/http.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kscratch::apiserver::http {

struct TlsFiles {
  std::string certificate_chain;  // PEM file of the serving certificate
  std::string private_key;        // PEM file of its key
  std::string client_ca;          // PEM file of the CA that signs client certificates
};

struct ServerOptions {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 6443;
  TlsFiles tls;
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds io_timeout{60};
};

// Authentication: fills request.user/groups from the bearer token or the client
// certificate's subject (CN = user, O = groups); false means 401.
struct Identity {
  std::string user;
  std::vector<std::string> groups;
};
using Authenticator =
    std::function<bool(const std::string& bearer_token, const Identity* client_cert, Identity& out)>;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, Handler& handler, Authenticator authenticate);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves until cancelled (a supervisor task). Throws on bind failures.
  boost::asio::awaitable<void> run();
  std::uint16_t bound_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kscratch::apiserver::http
