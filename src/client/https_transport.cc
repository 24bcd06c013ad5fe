// The HTTPS transport: a pool of keep-alive connections for requests, and a dedicated
// connection per watch (a stream occupies its connection until it ends).

#include "kscratch/client/https_connection.h"
#include "kscratch/client/transport.h"

#include <boost/system/system_error.hpp>

#include <vector>

namespace kscratch::client {

namespace asio = boost::asio;

namespace {

// Idle connections kept for reuse; more are opened when requests overlap.
constexpr std::size_t kMaxIdleConnections = 8;

class ConnectionStream : public ByteStream {
 public:
  explicit ConnectionStream(std::unique_ptr<HttpsConnection> c) : connection_(std::move(c)) {}
  ~ConnectionStream() override { close(); }
  asio::awaitable<std::optional<std::string>> read() override { co_return co_await connection_->next_chunk(); }
  void close() override { connection_->close(); }

 private:
  std::unique_ptr<HttpsConnection> connection_;
};

class HttpsTransport : public Transport {
 public:
  HttpsTransport(asio::any_io_executor ex, const pki::Kubeconfig& config)
      : executor_(std::move(ex)), tls_(config), server_(config.server), token_(config.token) {}

  asio::awaitable<HttpResponse> round_trip(const HttpRequest& request) override {
    // One retry on a fresh connection: a pooled one may have been closed by the server
    // while idle, which shows only when it is used.
    for (int attempt = 0;; ++attempt) {
      auto connection = take();
      std::string failure;
      try {
        auto response = co_await connection->request(request);
        give_back(std::move(connection));
        co_return response;
      } catch (const boost::system::system_error& e) {
        failure = e.what();
      }
      if (attempt >= 1) {
        HttpResponse failed{0, "request to " + server_ + " failed: " + failure};
        co_return failed;
      }
    }
  }

  asio::awaitable<StreamResponse> open_stream(const HttpRequest& request) override {
    auto connection = std::make_unique<HttpsConnection>(executor_, tls_, server_, token_);
    StreamResponse out;
    std::string failure;
    try {
      out.status = co_await connection->open_stream(request.target, request.accept);
      if (out.status != 200) {
        out.body = co_await connection->read_rest();
      } else {
        out.stream = std::make_unique<ConnectionStream>(std::move(connection));
      }
      co_return out;
    } catch (const boost::system::system_error& e) {
      failure = e.what();
    }
    out.status = 0;
    out.body = "watch on " + server_ + " failed: " + failure;
    co_return out;
  }

 private:
  std::unique_ptr<HttpsConnection> take() {
    if (idle_.empty()) return std::make_unique<HttpsConnection>(executor_, tls_, server_, token_);
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  void give_back(std::unique_ptr<HttpsConnection> c) {
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(c));
  }

  asio::any_io_executor executor_;
  TlsClientContext tls_;
  std::string server_;
  std::string token_;
  std::vector<std::unique_ptr<HttpsConnection>> idle_;
};

}  // namespace

std::shared_ptr<Transport> make_https_transport(asio::any_io_executor executor, const pki::Kubeconfig& config) {
  return std::make_shared<HttpsTransport>(std::move(executor), config);
}

}  // namespace kscratch::client
