// The only translation unit of the kubelet proxy with Beast and Asio's SSL.

#include "kubelet_client.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <fmt/format.h>

#include <array>
#include <sstream>

namespace kscratch::apiserver::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kIoTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kErrorBodyLimit = 64 * 1024;

std::string host_header(const KubeletEndpoint& e) {
  bool v6 = e.host.find(':') != std::string::npos;
  return v6 ? fmt::format("[{}]:{}", e.host, e.port) : fmt::format("{}:{}", e.host, e.port);
}

// A connected, handshaken TLS stream to the kubelet, or the reason there is none.
struct Connection {
  ssl::context tls{ssl::context::tls_client};
  std::unique_ptr<TlsStream> stream;
  std::string error;
};

asio::awaitable<void> connect(Connection& c, const KubeletEndpoint& endpoint, const ClientCredentials& credentials) {
  boost::system::error_code ec;
  c.tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  c.tls.set_verify_mode(ssl::verify_none);
  if (c.tls.use_certificate_chain_file(credentials.cert_file, ec); ec) {
    c.error = fmt::format("kubelet client certificate {}: {}", credentials.cert_file, ec.message());
    co_return;
  }
  if (c.tls.use_private_key_file(credentials.key_file, ssl::context::pem, ec); ec) {
    c.error = fmt::format("kubelet client key {}: {}", credentials.key_file, ec.message());
    co_return;
  }
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  std::string port = std::to_string(endpoint.port);
  auto [rec, results] = co_await resolver.async_resolve(endpoint.host, port, kTuple);
  if (rec) {
    c.error = fmt::format("dial tcp {}: {}", host_header(endpoint), rec.message());
    co_return;
  }
  c.stream = std::make_unique<TlsStream>(executor, c.tls);
  beast::get_lowest_layer(*c.stream).expires_after(kConnectTimeout);
  auto [cec, connected] = co_await beast::get_lowest_layer(*c.stream).async_connect(results, kTuple);
  if (cec) {
    c.error = fmt::format("dial tcp {}: connect: {}", host_header(endpoint), cec.message());
    co_return;
  }
  boost::system::error_code opt_ec;
  beast::get_lowest_layer(*c.stream).socket().set_option(tcp::no_delay(true), opt_ec);
  auto [hec] = co_await c.stream->async_handshake(ssl::stream_base::client, kTuple);
  if (hec) c.error = fmt::format("TLS handshake with the kubelet at {}: {}", host_header(endpoint), hec.message());
}

// The rest of a non-success response, for the error the caller builds.
asio::awaitable<BackendReply> read_error(TlsStream& stream, beast::flat_buffer& buffer,
                                         bhttp::response_parser<bhttp::empty_body>& header) {
  BackendReply reply;
  reply.status = static_cast<int>(header.get().result_int());
  bhttp::response_parser<bhttp::string_body> parser{std::move(header)};
  parser.body_limit(kErrorBodyLimit);
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  co_await bhttp::async_read(stream, buffer, parser, kTuple);
  reply.body = parser.get().body();
  co_return reply;
}

asio::awaitable<void> relay_body(TlsStream& stream, beast::flat_buffer& buffer,
                                 bhttp::response_parser<bhttp::buffer_body>& parser, http::Responder& out) {
  std::array<char, 16 * 1024> chunk;
  // A followed log may stay quiet for a long time: no read deadline on the kubelet side.
  beast::get_lowest_layer(stream).expires_never();
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    // read_some, not read: each piece goes on as soon as it arrives.
    auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0 && !co_await out.write(std::string(chunk.data(), got))) co_return;
    if (ec) co_return;
  }
}

asio::awaitable<void> client_to_kubelet(TlsStream& stream, http::Responder& out) {
  for (;;) {
    std::string data = co_await out.read_raw();
    if (data.empty()) co_return;
    beast::get_lowest_layer(stream).expires_after(kIoTimeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(data), kTuple);
    if (ec) co_return;
  }
}

asio::awaitable<void> kubelet_to_client(TlsStream& stream, http::Responder& out) {
  std::string data(16 * 1024, '\0');
  for (;;) {
    beast::get_lowest_layer(stream).expires_never();
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(data), kTuple);
    if (ec) co_return;
    if (!co_await out.write_raw(data.substr(0, n))) co_return;
  }
}

}  // namespace

asio::awaitable<std::optional<BackendReply>> stream_get(const KubeletEndpoint& endpoint,
                                                        const ClientCredentials& credentials,
                                                        const std::string& target, http::Responder& out) {
  Connection c;
  co_await connect(c, endpoint, credentials);
  if (!c.error.empty()) co_return BackendReply{0, "", c.error};
  auto& stream = *c.stream;
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, host_header(endpoint));
  req.set(bhttp::field::user_agent, "kscratch-apiserver");
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) co_return BackendReply{0, "", fmt::format("GET {}: {}", target, wec.message())};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> header;
  header.body_limit(boost::none);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, header, kTuple);
  if (hec) co_return BackendReply{0, "", fmt::format("GET {}: {}", target, hec.message())};
  if (header.get().result() != bhttp::status::ok) co_return co_await read_error(stream, buffer, header);

  bhttp::response_parser<bhttp::buffer_body> parser{std::move(header)};
  parser.body_limit(boost::none);
  std::string content_type = "text/plain";
  if (!co_await out.start_stream(200, content_type)) co_return std::nullopt;
  co_await (relay_body(stream, buffer, parser, out) || out.closed());
  co_await out.finish();
  co_return std::nullopt;
}

asio::awaitable<std::optional<BackendReply>> proxy_upgrade(const KubeletEndpoint& endpoint,
                                                           const ClientCredentials& credentials,
                                                           const std::string& target, const http::Request& request,
                                                           http::Responder& out) {
  if (!out.can_upgrade()) co_return BackendReply{400, "this connection cannot be upgraded", ""};
  Connection c;
  co_await connect(c, endpoint, credentials);
  if (!c.error.empty()) co_return BackendReply{0, "", c.error};
  auto& stream = *c.stream;
  bhttp::request<bhttp::empty_body> req{bhttp::string_to_verb(request.method), target, 11};
  req.set(bhttp::field::host, host_header(endpoint));
  for (auto& [name, value] : request.headers) {
    if (name == "upgrade" || name == "connection" || name.rfind("sec-websocket-", 0) == 0 ||
        name == "x-stream-protocol-version" || name == "user-agent") {
      req.set(name, value);
    }
  }
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) co_return BackendReply{0, "", fmt::format("{} {}: {}", request.method, target, wec.message())};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> header;
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, header, kTuple);
  if (hec) co_return BackendReply{0, "", fmt::format("{} {}: {}", request.method, target, hec.message())};
  if (header.get().result() != bhttp::status::switching_protocols) co_return co_await read_error(stream, buffer, header);

  // The kubelet's 101 goes back as it is, followed by anything it sent right after.
  std::ostringstream head;
  head << header.get().base();
  std::string first = head.str() + beast::buffers_to_string(buffer.data());
  buffer.consume(buffer.size());
  if (!co_await out.write_raw(first)) co_return std::nullopt;
  co_await (client_to_kubelet(stream, out) || kubelet_to_client(stream, out));
  co_return std::nullopt;
}

}  // namespace kscratch::apiserver::proxy
