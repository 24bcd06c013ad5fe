// The only translation unit of the apiserver that includes Beast and Asio's SSL: it is
// the slowest file to compile, so everything else stays out of it.
//
// Two threads meet here. The server's own I/O thread accepts connections and does what
// every request costs before and after its handler: the kernel's receive and send paths,
// TLS, and Beast's parser and serializer (about half of the loop thread's time when both
// ran there, under `scripts/bench-api.sh`). Each parsed request is handed to the loop,
// where the handler runs exactly as before; a plain response comes back whole and is
// written by the I/O thread. A streamed response (watch, logs, exec) hops to the I/O
// thread for each write or read. Nothing the REST code touches runs on the I/O thread,
// so it stays single-threaded.

#include "server.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <openssl/x509.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_set>

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

// One connection. The TLS stream, its read buffer and the flags above the line belong to
// the I/O thread. The request and what the handler makes of it are handed to the loop
// with each request and back when the handler returns (the handoffs order the accesses).
struct Conn {
  Conn(tcp::socket socket, ssl::context& tls, asio::any_io_executor loop_executor)
      : stream(std::move(socket), tls),
        loop(std::move(loop_executor)),
        handler_done(stream.get_executor()),
        watcher_done(stream.get_executor()),
        gone_timer(loop) {}

  TlsStream stream;
  beast::flat_buffer buffer;
  asio::any_io_executor loop;
  asio::steady_timer handler_done;  // cancelled when the loop has finished the request
  asio::steady_timer watcher_done;  // cancelled when the close watcher of a stream ends
  bool in_handler = false;
  bool watching = false;
  // ---
  std::optional<Identity> cert_identity;
  Request request;
  unsigned version = 11;
  bool keep_alive = true;
  std::optional<Response> response;  // a plain response, written once the handler returns
  bool streamed = false;             // a stream or an upgrade began: no reuse
  bool failed = false;               // a stream's write failed or was abandoned
  asio::cancellation_signal cancel;  // emitted on the loop when the server stops
  // The loop's alone: closed() waits on the timer until the I/O thread sees the client go.
  asio::steady_timer gone_timer;
  bool gone = false;
};

// One write or read of a stream, done on the I/O thread on the loop's behalf; the loop
// waits on the timer, which the result cancels.
struct NetCall {
  explicit NetCall(const asio::any_io_executor& loop) : timer(loop) {}
  asio::steady_timer timer;
  bool done = false;
  bool ok = false;
  std::string data;
};

enum class NetOp { stream_header, chunk, events, last_chunk, raw_write, raw_read };

// Watch events as the JSON lines of a watch stream, serialized here on the I/O thread.
std::string event_lines(const std::vector<ObjectEvent>& events) {
  std::string lines;
  for (auto& e : events) lines += watch_event_line(e.type, boost::json::serialize(*e.object));
  return lines;
}

asio::awaitable<bool> write_response(TlsStream& stream, Response& r, unsigned version, bool keep_alive,
                                     std::chrono::seconds timeout) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::cache_control, "no-cache, private");
  for (auto& [name, value] : r.headers) res.insert(name, value);
  res.keep_alive(keep_alive);
  // A body left as JSON is serialized here, on the I/O thread.
  res.body() = r.json ? r.text() : std::move(r.body);
  res.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
  co_return !ec;
}

// Reads (and drops) until the client goes: a streamed response ends the connection, so
// the client sends nothing more on it, and a read that completes means it has gone.
// Started with `watching` already set, so that the session waits for it before it shuts
// the connection down.
asio::awaitable<void> watch_close(std::shared_ptr<Conn> c) {
  // An idle watch is not a stalled client: no read deadline (the writes set their own).
  beast::get_lowest_layer(c->stream).expires_never();
  std::array<char, 512> sink;
  for (;;) {
    auto [ec, n] = co_await c->stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) break;
  }
  c->watching = false;
  c->watcher_done.cancel();
  asio::post(c->loop, [c] {
    c->gone = true;
    c->gone_timer.cancel();
  });
}

// `bytes` is the chunk or raw data to write; for the stream header, its content type.
asio::awaitable<void> run_net_op(std::shared_ptr<Conn> c, std::shared_ptr<NetCall> call, NetOp op,
                                 std::string bytes, std::vector<ObjectEvent> events, int status,
                                 std::chrono::seconds timeout) {
  auto& stream = c->stream;
  auto& lowest = beast::get_lowest_layer(stream);
  bool ok = false;
  std::string data;
  if (op == NetOp::stream_header) {
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), c->version};
    res.set(bhttp::field::content_type, bytes);
    res.set(bhttp::field::cache_control, "no-cache, private");
    res.chunked(true);
    res.keep_alive(false);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    lowest.expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kTuple);
    ok = !ec;
    if (ok) {
      c->watching = true;
      c->watcher_done.expires_at(std::chrono::steady_clock::time_point::max());
      asio::co_spawn(stream.get_executor(), watch_close(c), asio::detached);
    }
  } else if (op == NetOp::chunk || op == NetOp::events) {
    if (op == NetOp::events) bytes = event_lines(events);
    lowest.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(bytes)), kTuple);
    ok = !ec;
  } else if (op == NetOp::last_chunk) {
    lowest.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
    ok = !ec;
  } else if (op == NetOp::raw_write) {
    lowest.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), kTuple);
    ok = !ec;
  } else if (c->buffer.size() > 0) {
    // raw_read: bytes the request parser read past the request come first.
    data = beast::buffers_to_string(c->buffer.data());
    c->buffer.consume(c->buffer.size());
    ok = true;
  } else {
    // An upgraded connection may idle for hours (an interactive shell): no read deadline.
    lowest.expires_never();
    data.assign(16 * 1024, '\0');
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(data), kTuple);
    data.resize(ec ? 0 : n);
    ok = !ec;
  }
  asio::post(c->loop, [call, ok, data = std::move(data)]() mutable {
    call->done = true;
    call->ok = ok;
    call->data = std::move(data);
    call->timer.cancel();
  });
}

// The handler's view of the connection, on the loop.
class LoopResponder : public Responder {
 public:
  LoopResponder(std::shared_ptr<Conn> c, asio::any_io_executor net, std::chrono::seconds timeout)
      : c_(std::move(c)), net_(std::move(net)), timeout_(timeout) {}

  bool can_upgrade() const override { return true; }

  asio::awaitable<void> send(const Response& r) override {
    c_->response = r;
    sent_ = true;
    co_return;
  }

  asio::awaitable<bool> start_stream(int status, std::string content_type) override {
    begin_stream();
    co_return co_await call(NetOp::stream_header, std::move(content_type), status);
  }

  asio::awaitable<bool> write(std::string chunk) override {
    if (c_->failed) co_return false;
    co_return co_await call(NetOp::chunk, std::move(chunk));
  }

  bool takes_objects() const override { return true; }

  asio::awaitable<bool> write_objects(std::vector<ObjectEvent> events) override {
    if (c_->failed) co_return false;
    std::string none;
    co_return co_await call(NetOp::events, std::move(none), 0, nullptr, &events);
  }

  asio::awaitable<void> finish() override {
    if (c_->failed) co_return;
    std::string none;
    co_await call(NetOp::last_chunk, std::move(none));
  }

  asio::awaitable<void> closed() override {
    if (c_->gone) co_return;
    c_->gone_timer.expires_at(std::chrono::steady_clock::time_point::max());
    co_await c_->gone_timer.async_wait(kTuple);
  }

  asio::awaitable<bool> write_raw(std::string bytes) override {
    begin_stream();
    if (c_->failed) co_return false;
    co_return co_await call(NetOp::raw_write, std::move(bytes));
  }

  asio::awaitable<std::string> read_raw() override {
    std::string data;
    std::string none;
    co_await call(NetOp::raw_read, std::move(none), 0, &data);
    co_return data;
  }

  bool sent() const { return sent_; }

 private:
  void begin_stream() {
    sent_ = true;
    c_->streamed = true;
    c_->keep_alive = false;
  }

  asio::awaitable<bool> call(NetOp op, std::string bytes, int status = 0, std::string* out = nullptr,
                             std::vector<ObjectEvent>* events = nullptr) {
    auto pending = std::make_shared<NetCall>(c_->loop);
    pending->timer.expires_at(std::chrono::steady_clock::time_point::max());
    std::vector<ObjectEvent> to_send;
    if (events) to_send = std::move(*events);
    asio::co_spawn(net_, run_net_op(c_, pending, op, std::move(bytes), std::move(to_send), status, timeout_),
                   asio::detached);
    co_await pending->timer.async_wait(kTuple);
    if (!pending->done) {
      // The caller stopped waiting (another branch of a `||` won, or the server stops):
      // the stream is no longer in a known state, so the connection ends.
      c_->failed = true;
      auto c = c_;
      asio::post(net_, [c] { beast::get_lowest_layer(c->stream).cancel(); });
      co_return false;
    }
    if (!pending->ok && op != NetOp::raw_read) c_->failed = true;
    if (out) *out = std::move(pending->data);
    co_return pending->ok;
  }

  std::shared_ptr<Conn> c_;
  asio::any_io_executor net_;
  std::chrono::seconds timeout_;
  bool sent_ = false;
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
  asio::io_context& io;  // the loop: handlers run here
  ServerOptions options;
  Handler& handler;
  Authenticator authenticate;
  ssl::context tls{ssl::context::tls_server};
  // The I/O thread's own context; declared after the TLS context its streams use and
  // before the acceptor that uses it.
  asio::io_context net_io{1};
  asio::executor_work_guard<asio::io_context::executor_type> net_work{net_io.get_executor()};
  std::thread net_thread;
  tcp::acceptor acceptor{net_io};
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active{0};        // connections open
  std::unordered_set<Conn*> net_conns;       // the I/O thread's
  std::unordered_set<Conn*> in_flight;       // the loop's: requests in their handler

  Impl(asio::io_context& i, ServerOptions o, Handler& h, Authenticator a)
      : io(i), options(std::move(o)), handler(h), authenticate(std::move(a)) {}

  ~Impl() { stop_net_thread(); }

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

  // On the loop: binds (throwing on failure, before any thread starts), then serves from
  // the I/O thread.
  void start() {
    setup_tls();
    tcp::endpoint endpoint(asio::ip::make_address(options.bind_address), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
    log::info(kLog, "serving HTTPS on {}:{}", options.bind_address, port);
    asio::co_spawn(net_io, accept_loop(), asio::detached);
    net_thread = std::thread([this] {
      pthread_setname_np(pthread_self(), "apiserver-net");
      net_io.run();
    });
  }

  void stop_net_thread() {
    net_work.reset();
    net_io.stop();
    if (net_thread.joinable()) net_thread.join();
  }

  // I/O thread.
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
      if (ec) {
        log::warn(kLog, "accept failed: {}", ec.message());
        continue;
      }
      // Responses go out whole: without this, a large reply waits for delayed ACKs.
      boost::system::error_code opt_ec;
      socket.set_option(tcp::no_delay(true), opt_ec);
      auto c = std::make_shared<Conn>(std::move(socket), tls, io.get_executor());
      net_conns.insert(c.get());
      ++active;
      asio::co_spawn(net_io, session(c), asio::detached);
    }
  }

  // I/O thread: one connection, request after request.
  asio::awaitable<void> session(std::shared_ptr<Conn> c) {
    struct Leave {
      Impl& impl;
      Conn* c;
      ~Leave() {
        impl.net_conns.erase(c);
        --impl.active;
      }
    } leave{*this, c.get()};
    auto& stream = c->stream;
    beast::get_lowest_layer(stream).expires_after(options.io_timeout);
    auto [hs] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (hs) {
      log::debug(kLog, "TLS handshake failed: {}", hs.message());
      co_return;
    }
    c->cert_identity = client_identity(stream.native_handle());
    while (!stopping) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(64 * 1024);
      beast::get_lowest_layer(stream).expires_after(options.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read(stream, c->buffer, parser, kTuple);
      if (ec == bhttp::error::body_limit) {
        Response too_large{413, "application/json",
                           status_json(413, "RequestEntityTooLarge", "the request body is larger than 3 MiB"), {}};
        co_await write_response(stream, too_large, 11, false, options.io_timeout);
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
        Response malformed{400, "application/json", status_json(400, "BadRequest", "malformed HTTP request"), {}};
        co_await write_response(stream, malformed, 11, false, options.io_timeout);
        break;
      }
      auto& msg = parser.get();
      c->keep_alive = msg.keep_alive();
      c->version = msg.version();
      c->request = to_request(msg);
      c->response.reset();

      // To the loop and back. The wait is not cancellable: the handler always ends
      // (the server's stop cancels it on the loop), and its completion comes here.
      c->in_handler = true;
      c->handler_done.expires_at(std::chrono::steady_clock::time_point::max());
      auto net = net_io.get_executor();
      asio::co_spawn(io, run_request(c),
                     asio::bind_cancellation_slot(c->cancel.slot(), [c, net](std::exception_ptr) {
                       asio::post(net, [c] { c->handler_done.cancel(); });
                     }));
      co_await c->handler_done.async_wait(kTuple);
      c->in_handler = false;

      // Streamed, or the handler ended without a response (cancelled): the connection ends.
      if (!c->response) break;
      bool keep_alive = c->keep_alive && !stopping;
      bool written = co_await write_response(stream, *c->response, c->version, keep_alive, options.io_timeout);
      c->response.reset();
      if (!written || !keep_alive) break;
    }
    if (c->watching) {
      beast::get_lowest_layer(stream).cancel();
      co_await c->watcher_done.async_wait(kTuple);
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

  // The loop: authentication, then the handler.
  asio::awaitable<void> run_request(std::shared_ptr<Conn> c) {
    in_flight.insert(c.get());
    struct Leave {
      std::unordered_set<Conn*>& set;
      Conn* c;
      ~Leave() { set.erase(c); }
    } leave{in_flight, c.get()};
    Request& req = c->request;
    std::string token;
    auto authz = req.header("authorization");
    if (authz.rfind("Bearer ", 0) == 0) token = authz.substr(7);
    Identity id;
    // Agents fetch the CA before they can trust the server (k3s's /cacerts); they check
    // it against the hash in their join token.
    bool anonymous = req.method == "GET" && req.path == "/cacerts";
    if (anonymous) id = Identity{"system:anonymous", {"system:unauthenticated"}};
    if (!anonymous && !authenticate(token, c->cert_identity ? &*c->cert_identity : nullptr, id)) {
      Response unauthorized{401, "application/json", status_json(401, "Unauthorized", "Unauthorized"), {}};
      c->response = std::move(unauthorized);
      co_return;
    }
    req.user = std::move(id.user);
    req.groups = std::move(id.groups);
    LoopResponder responder(c, net_io.get_executor(), options.io_timeout);
    try {
      co_await handler.handle(req, responder);
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) throw;
      log::error(kLog, "{} {}: {}", req.method, req.path, e.what());
    } catch (const std::exception& e) {
      log::error(kLog, "{} {}: {}", req.method, req.path, e.what());
    }
    if (!responder.sent()) {
      Response failed{500, "application/json", status_json(500, "InternalError", "internal error (see the server log)"), {}};
      c->response = std::move(failed);
    }
  }

  // The loop: ends idle connections and in-flight handlers (watches), lets requests that
  // are being answered finish for a moment, then stops the I/O thread.
  asio::awaitable<void> stop_sessions() {
    co_await asio::this_coro::reset_cancellation_state();
    stopping = true;
    asio::post(net_io, [this] {
      boost::system::error_code ec;
      acceptor.close(ec);
      for (auto* c : net_conns) {
        if (!c->in_handler) beast::get_lowest_layer(c->stream).cancel();
      }
    });
    std::vector<Conn*> handling(in_flight.begin(), in_flight.end());
    for (auto* c : handling) c->cancel.emit(asio::cancellation_type::terminal);
    asio::steady_timer t(io);
    for (int i = 0; i < 200 && (active > 0 || !in_flight.empty()); ++i) {
      t.expires_after(std::chrono::milliseconds(10));
      co_await t.async_wait(kTuple);
    }
    stop_net_thread();
  }
};

Server::Server(asio::io_context& io, ServerOptions options, Handler& handler, Authenticator authenticate)
    : impl_(std::make_unique<Impl>(io, std::move(options), handler, std::move(authenticate))) {}

Server::~Server() = default;

asio::awaitable<void> Server::run() {
  impl_->start();
  // Serve until cancelled (the supervisor's stop), then stop gracefully.
  asio::steady_timer forever(impl_->io);
  forever.expires_at(std::chrono::steady_clock::time_point::max());
  co_await forever.async_wait(kTuple);
  co_await impl_->stop_sessions();
}

std::uint16_t Server::bound_port() const { return impl_->port; }

}  // namespace kscratch::apiserver::http
