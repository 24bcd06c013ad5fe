#pragma once
// A small HTTPS/1.1 client for the API benchmark: one keep-alive connection per object,
// client-certificate (or bearer token) authentication from a kubeconfig, plain requests
// and line-by-line reading of a chunked stream (watches). Beast and Asio's SSL stay in
// https_client.cc, the only slow-to-compile file of the benchmark.

#include "kscratch/pki/pki.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kscratch::bench {

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

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One connection, opened on the first request and reopened after a failure. Requests on
// one client are sequential (HTTP/1.1 without pipelining). Network failures throw
// boost::system::system_error; HTTP error statuses are returned as they are.
class HttpsClient {
 public:
  // server is the kubeconfig's "https://host:port"; token may be empty.
  HttpsClient(boost::asio::io_context& io, TlsClientContext& tls, const std::string& server, const std::string& token);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // NOTE: strings by reference to named objects: g++ 12.2 mishandles some coroutine
  // parameters passed by value.
  boost::asio::awaitable<HttpResponse> request(const std::string& method, const std::string& target,
                                               const std::string& body);

  // Sends a GET whose response is a chunked stream and returns its status once the
  // headers are in; then next_line() gives each newline-terminated line of the body,
  // or nothing when the stream ends.
  boost::asio::awaitable<int> open_stream(const std::string& target);
  boost::asio::awaitable<std::optional<std::string>> next_line();

  // How long one request (or the connect and handshake) may take; 30 s unless set.
  void set_timeout(std::chrono::seconds timeout);

  // Closes the connection (cancelling a pending read).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kscratch::bench
