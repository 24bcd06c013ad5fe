#pragma once
// One HTTPS/1.1 keep-alive connection to an apiserver: client-certificate (or bearer
// token) authentication from a kubeconfig, plain requests and incremental reading of a
// chunked stream (watches). The HTTPS transport pools these; the API benchmark drives
// them directly. Beast and Asio's SSL stay in https_connection.cc, a slow-to-compile file.

#include "kscratch/client/transport.h"
#include "kscratch/pki/pki.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace boost::asio::ssl {
class context;
}

namespace kscratch::client {

// Sets up a client TLS context from the kubeconfig: its CA (the system's roots when it
// names none, as client-go does), or no verification with insecure-skip-tls-verify, and
// its client certificate chain and key. Throws std::runtime_error when PEM text does not
// load. TlsClientContext and kubectl exec's WebSocket connection both use it.
void configure_tls_client(boost::asio::ssl::context& ctx, const pki::Kubeconfig& config);

// "https://host:port" (or "https://[v6]:port", port 443 when absent) split into host and port.
std::pair<std::string, std::string> split_server(const std::string& server);

// The TLS settings every connection shares: the cluster CA to verify the server, and
// the client certificate and key, all from the kubeconfig's PEM text. Throws
// std::runtime_error when the PEM text does not load.
class TlsClientContext {
 public:
  explicit TlsClientContext(const pki::Kubeconfig& config);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// One connection, opened on the first request and reopened after a failure. Requests on
// one client are sequential (HTTP/1.1 without pipelining). Network failures throw
// boost::system::system_error; HTTP error statuses are returned as they are.
class HttpsConnection {
 public:
  // server is the kubeconfig's "https://host:port"; token may be empty.
  HttpsConnection(boost::asio::any_io_executor executor, TlsClientContext& tls, const std::string& server,
                  const std::string& token);
  ~HttpsConnection();
  HttpsConnection(const HttpsConnection&) = delete;
  HttpsConnection& operator=(const HttpsConnection&) = delete;

  // NOTE: strings by reference to named objects: g++ 12.2 mishandles some coroutine
  // parameters passed by value.
  boost::asio::awaitable<HttpResponse> request(const std::string& method, const std::string& target,
                                               const std::string& body);
  boost::asio::awaitable<HttpResponse> request(const HttpRequest& request);

  // Sends a GET whose response is a chunked stream and returns its status once the
  // headers are in; then next_line() gives each newline-terminated line of the body,
  // or nothing when the stream ends. accept: the media type asked for (kubectl's Table watches).
  boost::asio::awaitable<int> open_stream(const std::string& target, const std::string& accept = "application/json");
  boost::asio::awaitable<std::optional<std::string>> next_line();
  // The body received since the last call (at least one byte), or nothing at its end.
  boost::asio::awaitable<std::optional<std::string>> next_chunk();
  // The rest of a non-streamed body after open_stream() answered with an error status.
  boost::asio::awaitable<std::string> read_rest();

  // How long one request (or the connect and handshake) may take; 30 s unless set.
  void set_timeout(std::chrono::seconds timeout);

  // Closes the connection (cancelling a pending read).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kscratch::client
