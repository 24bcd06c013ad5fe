// The kubelet's HTTPS server: TLS with client certificates of the cluster CA, one
// coroutine per connection, and routing to the logs and exec handlers.

#include "session.h"

#include "kscratch/pki/pki.h"
#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <openssl/x509.h>

#include <unistd.h>

#include <list>
#include <memory>

namespace kscratch::kubelet {

namespace server {

namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kIoTimeout = std::chrono::seconds(30);
constexpr auto kIdleTimeout = std::chrono::seconds(120);

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    auto slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) parts.push_back(percent_decode(path.substr(pos, slash - pos), false));
    pos = slash + 1;
  }
  return parts;
}

// "/containerLogs/ns/pod/container?..." into its parts; nullopt when the shape is wrong.
std::optional<Target> parse_target(std::string_view target, std::string_view prefix) {
  auto q = target.find('?');
  auto parts = split_path(target.substr(0, q));
  if (parts.size() != 4 || parts[0] != prefix) return std::nullopt;
  Target t{parts[1], parts[2], parts[3], {}};
  if (q != std::string_view::npos) {
    auto query = target.substr(q + 1);
    std::size_t pos = 0;
    while (pos <= query.size()) {
      auto amp = query.find('&', pos);
      if (amp == std::string_view::npos) amp = query.size();
      auto pair = query.substr(pos, amp - pos);
      if (!pair.empty()) {
        auto eq = pair.find('=');
        t.query.emplace(percent_decode(pair.substr(0, eq), true),
                        eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
      }
      pos = amp + 1;
    }
  }
  return t;
}

std::string first_path_segment(std::string_view target) {
  auto parts = split_path(target.substr(0, target.find('?')));
  return parts.empty() ? std::string() : parts[0];
}

// A client certificate that chains to the client CA. The handshake lets every client in
// (the verify callback accepts all), so that those without one get a 401 like upstream's
// rather than a failed handshake.
bool authenticated(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return false;
  X509_free(cert);
  return SSL_get_verify_result(ssl) == X509_V_OK;
}

struct Server {
  asio::any_io_executor executor;
  KubeletServerOptions options;
  const ContainerDirectory& directory;
  containers::Runtime& runtime;
  ssl::context tls{ssl::context::tls_server};
  std::list<asio::cancellation_signal> sessions;
  std::size_t active = 0;

  Server(asio::any_io_executor e, KubeletServerOptions o, const ContainerDirectory& d, containers::Runtime& r)
      : executor(std::move(e)), options(std::move(o)), directory(d), runtime(r) {}

  void setup_tls() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    std::vector<std::string> names{host, "localhost", "127.0.0.1"};
    if (options.address != "0.0.0.0" && options.address != "::") names.push_back(options.address);
    auto pair = pki::ensure_self_signed_serving(options.cert_dir / "kubelet.crt", options.cert_dir / "kubelet.key",
                                                host, pki::classify_names(names));
    if (!pair) throw std::runtime_error("kubelet serving certificate: " + pair.error().message);
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.use_certificate_chain(asio::buffer(pair->cert_pem));
    tls.use_private_key(asio::buffer(pair->key_pem), ssl::context::pem);
    tls.load_verify_file(options.client_ca_file.string());
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_verify_callback([](bool, ssl::verify_context&) { return true; });
  }

  asio::awaitable<void> session(tcp::socket socket) {
    ++active;
    struct Leave {
      std::size_t& n;
      ~Leave() { --n; }
    } leave{active};
    TlsStream stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(kIoTimeout);
    auto [hs] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (hs) {
      log::debug(kLog, "TLS handshake failed: {}", hs.message());
      co_return;
    }
    bool authn = authenticated(stream.native_handle());
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024);
      beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (ec) break;
      HttpRequest request = parser.release();
      std::string_view target = request.target();
      if (!authn) {
        co_await send_text(stream, request, bhttp::status::unauthorized, "Unauthorized");
        break;
      }
      std::string kind = first_path_segment(target);
      if (kind == "healthz" && request.method() == bhttp::verb::get) {
        if (!co_await send_text(stream, request, bhttp::status::ok, "ok")) break;
        continue;
      }
      if (kind == "containerLogs" && request.method() == bhttp::verb::get) {
        auto t = parse_target(target, "containerLogs");
        if (!t) {
          co_await send_text(stream, request, bhttp::status::bad_request, "expected /containerLogs/{namespace}/{pod}/{container}");
          break;
        }
        if (!co_await serve_logs(stream, request, *t, directory, runtime)) break;
        continue;
      }
      if (kind == "exec" && (request.method() == bhttp::verb::get || request.method() == bhttp::verb::post)) {
        auto t = parse_target(target, "exec");
        if (!t) {
          co_await send_text(stream, request, bhttp::status::bad_request, "expected /exec/{namespace}/{pod}/{container}");
          break;
        }
        // NOTE: named locals, not temporaries, into the coroutine (g++ 12).
        Target exec_target = std::move(*t);
        co_await serve_exec(stream, std::move(request), exec_target, directory, runtime);
        co_return;
      }
      if (!co_await send_text(stream, request, bhttp::status::not_found, "404 page not found")) break;
    }
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(kTuple);
  }

  asio::awaitable<void> serve() {
    // Cancellation ends the accept loop, after which stop_sessions still has awaiting to
    // do: a cancelled coroutine must not throw at its next co_await.
    co_await asio::this_coro::throw_if_cancelled(false);
    setup_tls();
    tcp::acceptor acceptor(executor);
    tcp::endpoint endpoint(asio::ip::make_address(options.address), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    log::info(kLog, "serving HTTPS on {}:{}", options.address, acceptor.local_endpoint().port());
    try {
      for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(kTuple);
        if (ec == asio::error::operation_aborted) break;
        if (ec) {
          log::warn(kLog, "accept failed: {}", ec.message());
          continue;
        }
        boost::system::error_code opt_ec;
        socket.set_option(tcp::no_delay(true), opt_ec);
        auto& signal = sessions.emplace_back();
        auto it = std::prev(sessions.end());
        asio::co_spawn(executor, session(std::move(socket)),
                       asio::bind_cancellation_slot(signal.slot(), [this, it](std::exception_ptr e) {
                         // The signal goes later: co_spawn still clears its slot after this
                         // handler returns.
                         asio::post(executor, [this, it] { sessions.erase(it); });
                         if (!e) return;
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::exception& ex) {
                           log::debug(kLog, "session ended: {}", ex.what());
                         }
                       }));
      }
    } catch (const boost::system::system_error& e) {
      if (e.code() != asio::error::operation_aborted) throw;
    }
    co_await asio::this_coro::reset_cancellation_state();
    co_await stop_sessions();
  }

  // Sessions refer to this object and to the caller's directory and runtime: they must all
  // be gone before run_kubelet_server returns.
  asio::awaitable<void> stop_sessions() {
    for (auto& s : sessions) s.emit(asio::cancellation_type::terminal);
    asio::steady_timer t(executor);
    while (active > 0 || !sessions.empty()) {
      t.expires_after(std::chrono::milliseconds(10));
      co_await t.async_wait(kTuple);
    }
  }
};

}  // namespace

std::string Target::param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

std::vector<std::string> Target::params(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = query.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}

asio::awaitable<bool> send_text(TlsStream& stream, const HttpRequest& request, bhttp::status status,
                                const std::string& text) {
  bhttp::response<bhttp::string_body> res{status, request.version()};
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(request.keep_alive());
  res.body() = text;
  res.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
  co_return !ec && request.keep_alive();
}

}  // namespace server

boost::asio::awaitable<void> run_kubelet_server(boost::asio::any_io_executor executor, KubeletServerOptions options,
                                         const ContainerDirectory& directory, containers::Runtime& runtime) {
  // The state lives on the heap: sessions spawned from here refer to it until they end.
  auto state = std::make_unique<server::Server>(executor, std::move(options), directory, runtime);
  co_await state->serve();
}

}  // namespace kscratch::kubelet
