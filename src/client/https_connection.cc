// The client's only translation unit with Beast and Asio's SSL (see https_connection.h).

#include "kscratch/client/https_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cstdlib>
#include <functional>
#include <vector>
#include <stdexcept>

namespace kscratch::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Long enough for a loaded server, short enough that a hung one fails the benchmark.
constexpr auto kDefaultTimeout = std::chrono::seconds(30);
// Lists of thousands of objects are several MiB; Beast's default (8 MiB) is close.
constexpr std::uint64_t kMaxResponseBytes = 256ull * 1024 * 1024;

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

std::pair<std::string, std::string> split_server(const std::string& server) {
  std::string rest = server;
  if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  std::string host = rest, port = "443";
  if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, port};
}

struct TlsClientContext::Impl {
  ssl::context ctx{ssl::context::tls_client};
};

void configure_tls_client(ssl::context& ctx, const pki::Kubeconfig& config) {
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (config.insecure_skip_tls_verify) {
    ctx.set_verify_mode(ssl::verify_none);
  } else {
    if (config.ca_pem.empty()) {
      ctx.set_default_verify_paths(ec);
    } else if (ctx.add_certificate_authority(asio::buffer(config.ca_pem), ec); ec) {
      throw std::runtime_error("kubeconfig CA: " + ec.message());
    }
    ctx.set_verify_mode(ssl::verify_peer);
  }
  if (!config.client_cert_pem.empty()) {
    // A chain, not a single certificate: k3s-style kubeconfigs may append the client CA.
    if (ctx.use_certificate_chain(asio::buffer(config.client_cert_pem), ec); ec) {
      throw std::runtime_error("kubeconfig client certificate: " + ec.message());
    }
    if (ctx.use_private_key(asio::buffer(config.client_key_pem), ssl::context::pem, ec); ec) {
      throw std::runtime_error("kubeconfig client key: " + ec.message());
    }
  }
}

TlsClientContext::TlsClientContext(const pki::Kubeconfig& config) : impl_(std::make_unique<Impl>()) {
  configure_tls_client(impl_->ctx, config);
}

TlsClientContext::~TlsClientContext() = default;

struct HttpsConnection::Impl {
  asio::any_io_executor io;
  ssl::context& tls;
  std::string host, port, token;
  std::chrono::seconds timeout = kDefaultTimeout;
  std::optional<TlsStream> stream;
  beast::flat_buffer buffer;

  // The chunked stream being read by next_line(), and what it has received but not yet
  // returned. Beast holds the body callback by reference, so it lives here.
  std::optional<bhttp::response_parser<bhttp::string_body>> stream_parser;
  std::string pending;
  std::function<std::size_t(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk;

  Impl(asio::any_io_executor i, ssl::context& t) : io(i), tls(t) {
    on_chunk = [this](std::uint64_t, beast::string_view body, beast::error_code&) {
      pending.append(body.data(), body.size());
      return body.size();
    };
  }

  [[noreturn]] void fail(boost::system::error_code ec) {
    stream.reset();
    throw boost::system::system_error(ec);
  }

  asio::awaitable<void> connect() {
    stream.reset();
    buffer.clear();
    // An address needs no resolver, whose first use starts a thread and loads the NSS
    // modules: a cost a short-lived client (kscratch kubectl) would feel.
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code aec;
    auto address = asio::ip::make_address(host, aec);
    char* port_end = nullptr;
    unsigned long port_number = std::strtoul(port.c_str(), &port_end, 10);
    if (!aec && !port.empty() && *port_end == '\0' && port_number <= 65535) {
      endpoints.emplace_back(address, static_cast<unsigned short>(port_number));
    } else {
      tcp::resolver resolver(io);
      auto [rec, results] = co_await resolver.async_resolve(host, port, kTuple);
      if (rec) throw boost::system::system_error(rec);
      for (auto& r : results) endpoints.push_back(r.endpoint());
    }
    stream.emplace(io, tls);
    if (!is_ip_address(host)) SSL_set_tlsext_host_name(stream->native_handle(), host.c_str());
    stream->set_verify_callback(ssl::host_name_verification(host));
    auto& tcp_stream = beast::get_lowest_layer(*stream);
    tcp_stream.expires_after(timeout);
    auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, kTuple);
    if (cec) fail(cec);
    // Small requests back to back: Nagle's algorithm would hold them for delayed ACKs.
    tcp_stream.socket().set_option(tcp::no_delay(true));
    auto [hec] = co_await stream->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) fail(hec);
  }

  bhttp::request<bhttp::string_body> make_request(const HttpRequest& in) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(in.method), in.target, 11};
    req.set(bhttp::field::host, host);
    req.set(bhttp::field::user_agent, "kscratch");
    req.set(bhttp::field::accept, in.accept);
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!in.body.empty()) req.set(bhttp::field::content_type, in.content_type.empty() ? "application/json" : in.content_type);
    req.body() = in.body;
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }
};

HttpsConnection::HttpsConnection(asio::any_io_executor io, TlsClientContext& tls, const std::string& server,
                                 const std::string& token)
    : impl_(std::make_unique<Impl>(io, tls.impl().ctx)) {
  std::tie(impl_->host, impl_->port) = split_server(server);
  impl_->token = token;
}

HttpsConnection::~HttpsConnection() = default;

asio::awaitable<HttpResponse> HttpsConnection::request(const std::string& method, const std::string& target,
                                                       const std::string& body) {
  HttpRequest in{method, target, {}, body};
  co_return co_await request(in);
}

asio::awaitable<HttpResponse> HttpsConnection::request(const HttpRequest& in) {
  auto& d = *impl_;
  if (!d.stream) co_await d.connect();
  auto req = d.make_request(in);
  beast::get_lowest_layer(*d.stream).expires_after(d.timeout);
  auto [wec, wn] = co_await bhttp::async_write(*d.stream, req, kTuple);
  if (wec) d.fail(wec);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  auto [rec, rn] = co_await bhttp::async_read(*d.stream, d.buffer, parser, kTuple);
  if (rec) d.fail(rec);
  auto& res = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  if (!res.keep_alive()) d.stream.reset();
  co_return out;
}

asio::awaitable<int> HttpsConnection::open_stream(const std::string& target, const std::string& accept) {
  auto& d = *impl_;
  if (!d.stream) co_await d.connect();
  HttpRequest in{"GET", target, {}, {}, accept};
  auto req = d.make_request(in);
  beast::get_lowest_layer(*d.stream).expires_after(d.timeout);
  auto [wec, wn] = co_await bhttp::async_write(*d.stream, req, kTuple);
  if (wec) d.fail(wec);
  d.pending.clear();
  d.stream_parser.emplace();
  d.stream_parser->body_limit(boost::none);
  d.stream_parser->on_chunk_body(d.on_chunk);
  auto [rec, rn] = co_await bhttp::async_read_header(*d.stream, d.buffer, *d.stream_parser, kTuple);
  if (rec) d.fail(rec);
  co_return static_cast<int>(d.stream_parser->get().result_int());
}

asio::awaitable<std::optional<std::string>> HttpsConnection::next_line() {
  auto& d = *impl_;
  for (;;) {
    if (auto nl = d.pending.find('\n'); nl != std::string::npos) {
      std::string line = d.pending.substr(0, nl);
      d.pending.erase(0, nl + 1);
      co_return line;
    }
    if (!d.stream || !d.stream_parser || d.stream_parser->is_done()) co_return std::nullopt;
    // A watch may be quiet for long; close() ends it.
    beast::get_lowest_layer(*d.stream).expires_never();
    auto [ec, n] = co_await bhttp::async_read_some(*d.stream, d.buffer, *d.stream_parser, kTuple);
    if (ec) co_return std::nullopt;
  }
}

asio::awaitable<std::optional<std::string>> HttpsConnection::next_chunk() {
  auto& d = *impl_;
  for (;;) {
    if (!d.pending.empty()) {
      std::string out = std::move(d.pending);
      d.pending.clear();
      co_return out;
    }
    if (!d.stream || !d.stream_parser || d.stream_parser->is_done()) co_return std::nullopt;
    beast::get_lowest_layer(*d.stream).expires_never();
    auto [ec, n] = co_await bhttp::async_read_some(*d.stream, d.buffer, *d.stream_parser, kTuple);
    if (ec) co_return std::nullopt;
  }
}

asio::awaitable<std::string> HttpsConnection::read_rest() {
  std::string body;
  while (auto chunk = co_await next_chunk()) body += *chunk;
  // A non-chunked body arrives through the parser's own buffer, not the chunk callback.
  if (impl_->stream_parser) body += impl_->stream_parser->get().body();
  co_return body;
}

void HttpsConnection::set_timeout(std::chrono::seconds timeout) { impl_->timeout = timeout; }

void HttpsConnection::close() {
  // Only the socket: a read may be pending on the stream, which must outlive it.
  if (impl_->stream) beast::get_lowest_layer(*impl_->stream).close();
}

}  // namespace kscratch::client
