// The exec WebSocket: connect, TLS and the upgrade synchronously, then one io_context
// thread reads messages and writes them out while a thread of its own reads standard
// input (a plain blocking read works for terminals, pipes and files alike) and posts what
// it reads to the loop, which sends one message at a time.

#include "websocket.h"
#include "kscratch/client/https_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <deque>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace kscratch::kubectl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string channel_message(std::uint8_t channel, std::string_view data) {
  std::string out;
  out.reserve(data.size() + 1);
  out.push_back(static_cast<char>(channel));
  out.append(data);
  return out;
}

std::string resize_message(int width, int height) {
  return channel_message(kResizeChannel, fmt::format("{{\"Width\":{},\"Height\":{}}}", width, height));
}

std::string close_message(std::uint8_t channel) {
  std::string out(2, '\0');
  out[0] = static_cast<char>(kCloseChannel);
  out[1] = static_cast<char>(channel);
  return out;
}

namespace {

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

using Socket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// The loop's side: the read loop and the queue of messages to send.
struct Session : std::enable_shared_from_this<Session> {
  asio::io_context& io;
  Socket& ws;
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;
  bool writing = false, done = false;
  std::string error;

  Session(asio::io_context& i, Socket& w) : io(i), ws(w) {}

  void send(std::string message) {
    if (done) return;
    outbox.push_back(std::move(message));
    if (!writing) write_next();
  }

  void write_next() {
    if (outbox.empty() || done) {
      writing = false;
      return;
    }
    writing = true;
    ws.async_write(asio::buffer(outbox.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->outbox.pop_front();
      if (ec) {
        self->writing = false;
        return;
      }
      self->write_next();
    });
  }

  void read_next() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->done = true;
        self->io.stop();
        return;
      }
      auto data = self->buffer.data();
      std::string_view message(static_cast<const char*>(data.data()), data.size());
      if (!message.empty()) {
        auto channel = static_cast<std::uint8_t>(message[0]);
        message.remove_prefix(1);
        if (channel == kStdoutChannel) write_all(1, message.data(), message.size());
        else if (channel == kStderrChannel) write_all(2, message.data(), message.size());
        else if (channel == kErrorChannel) self->error.append(message);
      }
      self->buffer.consume(self->buffer.size());
      self->read_next();
    });
  }
};

}  // namespace

ExecStreamResult run_exec_stream(const pki::Kubeconfig& config, const ExecStreamOptions& options) {
  ExecStreamResult result;
  auto [host, port] = client::split_server(config.server);
  auto io = std::make_shared<asio::io_context>();
  ssl::context tls(ssl::context::tls_client);
  client::configure_tls_client(tls, config);
  Socket ws(*io, tls);
  try {
    auto& lowest = beast::get_lowest_layer(ws);
    lowest.expires_after(std::chrono::seconds(30));
    tcp::resolver resolver(*io);
    lowest.connect(resolver.resolve(host, port));
    lowest.socket().set_option(tcp::no_delay(true));
    boost::system::error_code aec;
    asio::ip::make_address(host, aec);
    if (aec) SSL_set_tlsext_host_name(ws.next_layer().native_handle(), host.c_str());
    ws.next_layer().set_verify_callback(ssl::host_name_verification(host));
    ws.next_layer().handshake(ssl::stream_base::client);
  } catch (const boost::system::system_error& e) {
    result.body = e.code().message();
    if (e.code() == asio::error::connection_refused) result.body = "connect: connection refused";
    return result;
  }
  std::string token = config.token;
  ws.set_option(websocket::stream_base::decorator([&token](websocket::request_type& req) {
    req.set(bhttp::field::user_agent, "kscratch");
    req.set(bhttp::field::sec_websocket_protocol, "v5.channel.k8s.io, v4.channel.k8s.io");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
  }));
  websocket::response_type response;
  beast::error_code ec;
  ws.handshake(response, host + ":" + port, options.target, ec);
  result.status = static_cast<int>(response.result_int());
  if (ec) {
    result.body = response.body();
    if (result.status == 101 || result.status == 0) {
      result.status = 0;
      result.body = ec.message();
    }
    return result;
  }
  result.protocol = std::string(response[bhttp::field::sec_websocket_protocol]);
  beast::get_lowest_layer(ws).expires_never();
  ws.binary(true);

  auto session = std::make_shared<Session>(*io, ws);
  session->read_next();
  if (options.stdin) {
    // Detached: it may stay blocked in read() after the command ends. It holds the
    // io_context, so what it posts late is queued and dropped, never run.
    std::thread([io, session, v5 = result.protocol == "v5.channel.k8s.io"] {
      char chunk[32 * 1024];
      for (;;) {
        ssize_t n = ::read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        asio::post(*io, [session, data = channel_message(kStdinChannel, std::string_view(chunk, n))]() mutable {
          session->send(std::move(data));
        });
      }
      if (v5) asio::post(*io, [session] { session->send(close_message(kStdinChannel)); });
    }).detach();
  }
  std::optional<asio::signal_set> winch;
  std::function<void()> watch;
  if (options.tty && options.terminal_size) {
    if (auto size = options.terminal_size()) session->send(resize_message(size->first, size->second));
    winch.emplace(*io, SIGWINCH);
    watch = [&] {
      winch->async_wait([&](boost::system::error_code wec, int) {
        if (wec) return;
        if (auto size = options.terminal_size()) session->send(resize_message(size->first, size->second));
        watch();
      });
    };
    watch();
  }
  io->run();
  result.error = session->error;
  return result;
}

}  // namespace kscratch::kubectl
