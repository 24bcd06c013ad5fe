// The only translation unit of the apiserver that includes Beast and Asio's SSL: it is
// the slowest file to compile, so everything else stays out of it.

#include "server.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/x509.h>

#include <array>
#include <list>

namespace kscratch::apiserver::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using asio::use_awaitable;

namespace {

constexpr std::string_view kLog = "apiserver";
constexpr auto kTuple = asio::as_tuple(use_awaitable);

std::string status_json(int code, std::string_view reason, std::string_view message) {
  return fmt::format(R"({{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"{}","reason":"{}","code":{}}})",
                     message, reason, code);
}

// The subject of a verified client certificate: CN is the user, each O a group.
std::optional<Identity> client_identity(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return std::nullopt;
  std::optional<Identity> out;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    Identity id;
    X509_NAME* name = X509_get_subject_name(cert);
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
      X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
      int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
      ASN1_STRING* data = X509_NAME_ENTRY_get_data(e);
      std::string value(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                        static_cast<std::size_t>(ASN1_STRING_length(data)));
      if (nid == NID_commonName) id.user = value;
      if (nid == NID_organizationName) id.groups.push_back(value);
    }
    if (!id.user.empty()) out = std::move(id);
  }
  X509_free(cert);
  return out;
}

class BeastResponder : public Responder {
 public:
  BeastResponder(TlsStream& stream, unsigned version, bool keep_alive, std::chrono::seconds timeout,
                 beast::flat_buffer* buffer = nullptr)
      : stream_(stream), version_(version), keep_alive_(keep_alive), timeout_(timeout), buffer_(buffer) {}

  bool can_upgrade() const override { return buffer_ != nullptr; }

  asio::awaitable<bool> write_raw(std::string bytes) override {
    if (failed_ || !buffer_) co_return false;
    sent_ = true;
    keep_alive_ = false;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes), kTuple);
    failed_ = failed_ || ec;
    co_return !failed_;
  }

  asio::awaitable<std::string> read_raw() override {
    if (!buffer_) co_return std::string();
    // Bytes the request parser read past the request come first.
    if (buffer_->size() > 0) {
      std::string early = beast::buffers_to_string(buffer_->data());
      buffer_->consume(buffer_->size());
      co_return early;
    }
    // An upgraded connection may idle for hours (an interactive shell): no read deadline.
    beast::get_lowest_layer(stream_).expires_never();
    std::string data(16 * 1024, '\0');
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(data), kTuple);
    data.resize(ec ? 0 : n);
    co_return data;
  }

  asio::awaitable<void> send(const Response& r) override {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version_};
    res.set(bhttp::field::content_type, r.content_type);
    res.set(bhttp::field::cache_control, "no-cache, private");
    for (auto& [name, value] : r.headers) res.insert(name, value);
    res.keep_alive(keep_alive_);
    res.body() = r.body;
    res.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    auto [ec, n] = co_await bhttp::async_write(stream_, res, kTuple);
    sent_ = true;
    if (ec) failed_ = true;
  }

  asio::awaitable<bool> start_stream(int status, std::string content_type) override {
    // A streamed response ends the connection: the client sends nothing more on it, so
    // a read that completes means it has gone (closed() watches for that).
    keep_alive_ = false;
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), version_};
    res.set(bhttp::field::content_type, content_type);
    res.set(bhttp::field::cache_control, "no-cache, private");
    res.chunked(true);
    res.keep_alive(keep_alive_);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    auto [ec, n] = co_await bhttp::async_write_header(stream_, sr, kTuple);
    sent_ = true;
    failed_ = failed_ || ec;
    co_return !failed_;
  }

  asio::awaitable<bool> write(std::string chunk) override {
    if (failed_) co_return false;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(chunk)), kTuple);
    failed_ = failed_ || ec;
    co_return !failed_;
  }

  asio::awaitable<void> finish() override {
    if (failed_) co_return;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk_last(), kTuple);
    failed_ = failed_ || ec;
  }

  asio::awaitable<void> closed() override {
    // An idle watch is not a stalled client: this read waits without a deadline (the
    // writes set their own).
    beast::get_lowest_layer(stream_).expires_never();
    std::array<char, 512> sink;
    for (;;) {
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), kTuple);
      if (ec) co_return;
    }
  }

  bool sent() const { return sent_; }
  bool failed() const { return failed_; }
  bool keep_alive() const { return keep_alive_; }

 private:
  TlsStream& stream_;
  unsigned version_;
  bool keep_alive_;
  std::chrono::seconds timeout_;
  bool sent_ = false;
  bool failed_ = false;
  beast::flat_buffer* buffer_;
};

Request to_request(bhttp::request<bhttp::string_body>& msg) {
  Request req;
  req.method = std::string(msg.method_string());
  std::string_view target = msg.target();
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) req.query = parse_query(target.substr(q + 1));
  for (auto& field : msg) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value());
  }
  req.body = std::move(msg.body());
  return req;
}

}  // namespace

struct Server::Impl {
  asio::io_context& io;
  ServerOptions options;
  Handler& handler;
  Authenticator authenticate;
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::list<asio::cancellation_signal> sessions;
  std::size_t active = 0;

  Impl(asio::io_context& i, ServerOptions o, Handler& h, Authenticator a)
      : io(i), options(std::move(o)), handler(h), authenticate(std::move(a)), acceptor(i) {}

  void setup_tls() {
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.use_certificate_chain_file(options.tls.certificate_chain);
    tls.use_private_key_file(options.tls.private_key, ssl::context::pem);
    if (!options.tls.client_ca.empty()) {
      tls.load_verify_file(options.tls.client_ca);
      // Ask for a client certificate but do not require one: bearer tokens are the
      // other way in. A certificate that does not verify fails the handshake.
      tls.set_verify_mode(ssl::verify_peer);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    ++active;
    struct Leave {
      std::size_t& n;
      ~Leave() { --n; }
    } leave{active};
    TlsStream stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(options.io_timeout);
    auto [hs] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (hs) {
      log::debug(kLog, "TLS handshake failed: {}", hs.message());
      co_return;
    }
    auto cert_identity = client_identity(stream.native_handle());
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(64 * 1024);
      beast::get_lowest_layer(stream).expires_after(options.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (ec == bhttp::error::body_limit) {
        BeastResponder r(stream, 11, false, options.io_timeout);
        Response too_large{413, "application/json",
                           status_json(413, "RequestEntityTooLarge", "the request body is larger than 3 MiB"), {}};
        co_await r.send(too_large);
        // Read (and drop) what the client is still sending, within bounds, so that it
        // sees the 413 instead of a connection reset.
        co_await drain(stream, 64 * 1024 * 1024);
        break;
      }
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == ssl::error::stream_truncated ||
          ec == beast::error::timeout || ec == asio::error::operation_aborted) {
        break;
      }
      if (ec) {
        BeastResponder r(stream, 11, false, options.io_timeout);
        Response malformed{400, "application/json", status_json(400, "BadRequest", "malformed HTTP request"), {}};
        co_await r.send(malformed);
        break;
      }
      auto& msg = parser.get();
      bool keep_alive = msg.keep_alive();
      unsigned version = msg.version();
      Request req = to_request(msg);
      BeastResponder responder(stream, version, keep_alive, options.io_timeout, &buffer);

      std::string token;
      auto authz = req.header("authorization");
      if (authz.rfind("Bearer ", 0) == 0) token = authz.substr(7);
      Identity id;
      // Agents fetch the CA before they can trust the server (k3s's /cacerts); they check
      // it against the hash in their join token.
      bool anonymous = req.method == "GET" && req.path == "/cacerts";
      if (anonymous) id = Identity{"system:anonymous", {"system:unauthenticated"}};
      if (!anonymous && !authenticate(token, cert_identity ? &*cert_identity : nullptr, id)) {
        Response unauthorized{401, "application/json", status_json(401, "Unauthorized", "Unauthorized"), {}};
        co_await responder.send(unauthorized);
      } else {
        req.user = std::move(id.user);
        req.groups = std::move(id.groups);
        try {
          co_await handler.handle(req, responder);
        } catch (const boost::system::system_error& e) {
          if (e.code() == asio::error::operation_aborted) throw;
          log::error(kLog, "{} {}: {}", req.method, req.path, e.what());
        } catch (const std::exception& e) {
          log::error(kLog, "{} {}: {}", req.method, req.path, e.what());
        }
        if (!responder.sent()) {
          Response failed{500, "application/json",
                          status_json(500, "InternalError", "internal error (see the server log)"), {}};
          co_await responder.send(failed);
        }
      }
      if (responder.failed() || !responder.keep_alive()) break;
    }
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(kTuple);
  }

  static asio::awaitable<void> drain(TlsStream& stream, std::size_t limit) {
    std::array<char, 64 * 1024> sink;
    std::size_t total = 0;
    while (total < limit) {
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (ec) break;
      total += n;
    }
  }

  asio::awaitable<void> serve() {
    setup_tls();
    tcp::endpoint endpoint(asio::ip::make_address(options.bind_address), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
    log::info(kLog, "serving HTTPS on {}:{}", options.bind_address, port);
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec == asio::error::operation_aborted) break;
      if (ec) {
        log::warn(kLog, "accept failed: {}", ec.message());
        continue;
      }
      // Responses go out whole: without this, a large reply waits for delayed ACKs.
      boost::system::error_code opt_ec;
      socket.set_option(tcp::no_delay(true), opt_ec);
      auto& signal = sessions.emplace_back();
      auto it = std::prev(sessions.end());
      asio::co_spawn(io, session(std::move(socket)),
                     asio::bind_cancellation_slot(signal.slot(), [this, it](std::exception_ptr) { sessions.erase(it); }));
    }
  }

  asio::awaitable<void> stop_sessions() {
    co_await asio::this_coro::reset_cancellation_state();
    acceptor.close();
    // In-flight requests get a moment to finish; watches and idle connections end.
    for (auto& s : sessions) s.emit(asio::cancellation_type::terminal);
    asio::steady_timer t(io);
    for (int i = 0; i < 200 && active > 0; ++i) {
      t.expires_after(std::chrono::milliseconds(10));
      co_await t.async_wait(kTuple);
    }
  }
};

Server::Server(asio::io_context& io, ServerOptions options, Handler& handler, Authenticator authenticate)
    : impl_(std::make_unique<Impl>(io, std::move(options), handler, std::move(authenticate))) {}

Server::~Server() = default;

asio::awaitable<void> Server::run() {
  try {
    co_await impl_->serve();
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
  }
  co_await impl_->stop_sessions();
}

std::uint16_t Server::bound_port() const { return impl_->port; }

}  // namespace kscratch::apiserver::http
