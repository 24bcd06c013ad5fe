#pragma once
// How the client's requests reach an apiserver. Two transports, as the issue asks:
// in-process (straight into the REST handler of a server in this process: no sockets, no
// TLS, no authentication, the caller's identity given) and HTTPS (agents on other
// machines, with a kubeconfig's CA and credentials).

#include "kscratch/apiserver/http.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::pki {
struct Kubeconfig;
}

namespace kscratch::client {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query, percent-encoded
  std::string content_type;
  std::string body;
  std::string accept = "application/json";
};

struct HttpResponse {
  int status = 0;  // 0: the transport failed (body says why)
  std::string body;
};

// A streamed response body (watches): read() gives the bytes as they arrive, nothing
// once the stream has ended or close() was called.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual boost::asio::awaitable<std::optional<std::string>> read() = 0;
  virtual void close() = 0;
  // A watch event handed over as the server's object (the in-process transport), if one
  // is waiting; read() returns an empty chunk when one arrives.
  virtual std::optional<apiserver::http::ObjectEvent> take_object() { return std::nullopt; }
};

struct StreamResponse {
  int status = 0;
  std::string body;  // the error body when status is not 200
  std::unique_ptr<ByteStream> stream;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual boost::asio::awaitable<HttpResponse> round_trip(const HttpRequest& request) = 0;
  virtual boost::asio::awaitable<StreamResponse> open_stream(const HttpRequest& request) = 0;
};

// Requests go to `handler` as if from `user` in `groups` (the server has authenticated
// its own components).
std::shared_ptr<Transport> make_in_process_transport(apiserver::http::Handler& handler, std::string user,
                                                     std::vector<std::string> groups);

// Requests go over HTTPS to the kubeconfig's server, verified with its CA, authenticated
// with its client certificate or bearer token; idle keep-alive connections are reused.
// Throws std::runtime_error when the kubeconfig's PEM text does not load.
std::shared_ptr<Transport> make_https_transport(boost::asio::any_io_executor executor, const pki::Kubeconfig& config);

}  // namespace kscratch::client
