// /exec/{namespace}/{pod}/{container}: `kubectl exec` over a WebSocket with the
// Kubernetes channel protocol (v5.channel.k8s.io, or v4): each binary message starts with
// its channel, 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 terminal resize, and in
// v5 255 to close a stream (the client's stdin). The command runs as a child process
// (the runtime's `runc exec` command line) whose pipes or pty are relayed.

#include "exec_process.h"
#include "session.h"

#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <filesystem>

namespace kscratch::kubelet::server {

using namespace boost::asio::experimental::awaitable_operators;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr char kStdin = 0, kStdout = 1, kStderr = 2, kError = 3, kResize = 4;
constexpr unsigned char kClose = 255;
constexpr std::string_view kV5 = "v5.channel.k8s.io";
constexpr std::string_view kV4 = "v4.channel.k8s.io";

using Outbox = asio::experimental::channel<void(boost::system::error_code, std::string)>;
using Ws = websocket::stream<TlsStream&>;

bool truthy(const std::string& v) { return v == "true" || v == "1"; }

// The subprotocol to answer with: v5 when offered, else v4; empty when neither is.
std::string choose_protocol(std::string_view offered) {
  bool v4 = false, v5 = false;
  std::size_t pos = 0;
  while (pos <= offered.size()) {
    auto comma = offered.find(',', pos);
    if (comma == std::string_view::npos) comma = offered.size();
    auto p = offered.substr(pos, comma - pos);
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    v5 = v5 || p == kV5;
    v4 = v4 || p == kV4;
    pos = comma + 1;
  }
  return v5 ? std::string(kV5) : v4 ? std::string(kV4) : std::string();
}

// The channel-3 Status that ends a session, as upstream's remotecommand server writes it.
std::string exit_status(int code, const std::vector<std::string>& command) {
  json::object status{{"metadata", json::object()}};
  if (code == 0) {
    status["status"] = "Success";
  } else {
    status["status"] = "Failure";
    status["message"] = fmt::format("command terminated with non-zero exit code: error executing command [{}], exit code {}",
                                    fmt::join(command, " "), code);
    status["reason"] = "NonZeroExitCode";
    status["details"] = json::object{
        {"causes", json::array{json::object{{"reason", "ExitCode"}, {"message", std::to_string(code)}}}}};
  }
  return json::serialize(status);
}

std::string internal_error(const std::string& message) {
  json::object status{{"metadata", json::object()},
                      {"status", "Failure"},
                      {"message", message},
                      {"reason", "InternalError"},
                      {"code", 500}};
  return json::serialize(status);
}

// A temporary directory for runc's console socket, removed with its owner.
struct SocketDir {
  std::filesystem::path dir;
  ~SocketDir() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

class ExecSession {
 public:
  ExecSession(Ws& ws, containers::Runtime& runtime, std::string container_id, std::vector<std::string> command,
              bool want_stdin, bool want_stdout, bool want_stderr, bool tty, bool v5)
      : ws_(ws),
        runtime_(runtime),
        container_id_(std::move(container_id)),
        command_(std::move(command)),
        want_stdin_(want_stdin),
        want_stdout_(want_stdout),
        want_stderr_(want_stderr),
        tty_(tty),
        v5_(v5),
        outbox_(ws.get_executor(), 16),
        stdin_(ws.get_executor()),
        stdout_(ws.get_executor()),
        stderr_(ws.get_executor()),
        pidfd_(ws.get_executor()),
        console_(ws.get_executor()) {}

  ~ExecSession() {
    if (pid_ > 0 && !reaped_) abandon_exec_child(pid_);
  }

  asio::awaitable<void> run() {
    // The command and the writer run together; the reader of client messages beside them
    // ends the whole session when the client goes away.
    co_await ((run_command() && write_messages()) || read_messages());
  }

 private:
  asio::awaitable<void> send(char channel, std::string_view data) {
    std::string message;
    message.reserve(data.size() + 1);
    message.push_back(channel);
    message.append(data);
    co_await outbox_.async_send(boost::system::error_code{}, std::move(message), asio::use_awaitable);
  }

  // Sends queued messages in order (a WebSocket takes one write at a time); an empty
  // message ends the session with a close frame.
  asio::awaitable<void> write_messages() {
    for (;;) {
      auto [ec, message] = co_await outbox_.async_receive(kTuple);
      if (ec) co_return;
      if (message.empty()) break;
      auto [wec, n] = co_await ws_.async_write(asio::buffer(message), kTuple);
      if (wec) co_return;
    }
    co_await ws_.async_close(websocket::close_code::normal, kTuple);
  }

  asio::awaitable<void> read_messages() {
    beast::flat_buffer buffer;
    for (;;) {
      buffer.clear();
      auto [ec, n] = co_await ws_.async_read(buffer, kTuple);
      if (ec) co_return;
      std::string message = beast::buffers_to_string(buffer.data());
      if (message.empty()) continue;
      auto channel = static_cast<unsigned char>(message[0]);
      std::string_view data = std::string_view(message).substr(1);
      if (channel == kStdin) {
        if (!want_stdin_ || data.empty()) continue;
        // With a tty, input goes to the pty once runc has handed it over.
        while (tty_ && !console_.is_open() && !console_failed_) {
          asio::steady_timer wait(ws_.get_executor(), std::chrono::milliseconds(10));
          co_await wait.async_wait(kTuple);
        }
        auto& target = tty_ ? console_ : stdin_;
        if (!target.is_open()) continue;
        auto [wec, wn] = co_await asio::async_write(target, asio::buffer(data), kTuple);
        if (wec && !tty_) {
          boost::system::error_code ignored;
          stdin_.close(ignored);
        }
      } else if (channel == kResize) {
        resize(data);
      } else if (channel == kClose && v5_ && !data.empty() && data[0] == kStdin) {
        // The client's stdin has ended: the command sees EOF. A terminal has no EOF of its
        // own, so a pty stays open.
        if (!tty_ && stdin_.is_open()) {
          boost::system::error_code ignored;
          stdin_.close(ignored);
        }
      }
    }
  }

  void resize(std::string_view data) {
    boost::system::error_code ec;
    auto value = json::parse(data, ec);
    if (ec || !value.is_object()) return;
    auto& o = value.get_object();
    auto number = [&](const char* key) -> unsigned short {
      auto* v = o.if_contains(key);
      if (!v) return 0;
      if (v->is_int64()) return static_cast<unsigned short>(v->get_int64());
      if (v->is_uint64()) return static_cast<unsigned short>(v->get_uint64());
      if (v->is_double()) return static_cast<unsigned short>(v->get_double());
      return 0;
    };
    size_.ws_col = number("Width");
    size_.ws_row = number("Height");
    have_size_ = true;
    apply_size();
  }

  void apply_size() {
    if (have_size_ && master_fd_ >= 0) ::ioctl(master_fd_, TIOCSWINSZ, &size_);
  }

  asio::awaitable<void> pump(asio::posix::stream_descriptor& from, char channel, bool forward) {
    std::array<char, 32 * 1024> buf;
    for (;;) {
      auto [ec, n] = co_await from.async_read_some(asio::buffer(buf), kTuple);
      // EOF, or EIO from a pty whose other side has closed.
      if (ec || n == 0) co_return;
      if (forward) co_await send(channel, std::string_view(buf.data(), n));
    }
  }

  asio::awaitable<void> wait_exit() {
    co_await pidfd_.async_wait(asio::posix::stream_descriptor::wait_read, asio::use_awaitable);
    exit_code_ = reap_exec_child(pid_);
    reaped_ = true;
  }

  // Takes the pty master from runc over the console socket (or learns that the command
  // failed before it got that far).
  asio::awaitable<void> receive_console(asio::local::stream_protocol::acceptor& acceptor) {
    asio::local::stream_protocol::socket socket(acceptor.get_executor());
    co_await acceptor.async_accept(socket, asio::use_awaitable);
    co_await socket.async_wait(asio::local::stream_protocol::socket::wait_read, asio::use_awaitable);
    auto fd = receive_fd(socket.native_handle());
    if (!fd) throw std::runtime_error(fd.error().message);
    master_fd_ = *fd;
    console_.assign(master_fd_);
    console_.non_blocking(true);
    apply_size();
  }

  asio::awaitable<void> run_command() {
    std::string failure;
    try {
      co_await start_and_relay();
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted) throw;
      failure = e.what();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    std::string status = failure.empty() ? exit_status(exit_code_, command_) : internal_error(failure);
    if (!failure.empty()) log::warn(kLog, "exec in {}: {}", container_id_, failure);
    co_await send(kError, status);
    co_await outbox_.async_send(boost::system::error_code{}, std::string(), asio::use_awaitable);
  }

  asio::awaitable<void> start_and_relay() {
    SocketDir socket_dir;
    std::optional<asio::local::stream_protocol::acceptor> acceptor;
    std::string socket_path;
    if (tty_) {
      char tmpl[] = "/tmp/kscratch-exec-XXXXXX";
      if (!::mkdtemp(tmpl)) throw std::runtime_error(fmt::format("mkdtemp: {}", std::strerror(errno)));
      socket_dir.dir = tmpl;
      socket_path = (socket_dir.dir / "console.sock").string();
      acceptor.emplace(ws_.get_executor(), asio::local::stream_protocol::endpoint(socket_path));
    }
    auto argv = runtime_.exec_command_line(container_id_, command_, tty_, socket_path);
    auto child = spawn_exec_child(argv, want_stdin_ && !tty_, tty_);
    if (!child) throw std::runtime_error(child.error().message);
    pid_ = child->pid;
    pidfd_.assign(child->pidfd);
    if (child->stdin_fd >= 0) stdin_.assign(child->stdin_fd);
    stdout_.assign(child->stdout_fd);
    if (child->stderr_fd >= 0) stderr_.assign(child->stderr_fd);

    if (tty_) {
      // The command's own stdout carries only runc's complaints; the pty carries the rest.
      auto got = co_await (receive_console(*acceptor) || wait_exit());
      console_failed_ = got.index() != 0;
      if (got.index() == 0) {
        co_await (pump(console_, kStdout, want_stdout_) && pump(stdout_, kStdout, want_stdout_) && wait_exit());
      } else {
        co_await pump(stdout_, kStdout, want_stdout_);
      }
      co_return;
    }
    co_await (pump(stdout_, kStdout, want_stdout_) && pump(stderr_, kStderr, want_stderr_) && wait_exit());
  }

  Ws& ws_;
  containers::Runtime& runtime_;
  std::string container_id_;
  std::vector<std::string> command_;
  bool want_stdin_, want_stdout_, want_stderr_, tty_, v5_;
  Outbox outbox_;
  asio::posix::stream_descriptor stdin_, stdout_, stderr_, pidfd_, console_;
  int master_fd_ = -1;
  bool console_failed_ = false;
  winsize size_{};
  bool have_size_ = false;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
};

}  // namespace

asio::awaitable<void> serve_exec(TlsStream& stream, HttpRequest request, const Target& target,
                                 const ContainerDirectory& directory, containers::Runtime& runtime) {
  auto location = directory.find(target.ns, target.pod, target.container, false);
  if (!location) {
    std::string text = fmt::format("container \"{}\" in pod \"{}\" not found", target.container, target.pod);
    co_await send_text(stream, request, bhttp::status::not_found, text);
    co_return;
  }
  if (!location->running) {
    std::string text = fmt::format("container \"{}\" in pod \"{}\" is not running", target.container, target.pod);
    co_await send_text(stream, request, bhttp::status::bad_request, text);
    co_return;
  }
  auto command = target.params("command");
  bool in = truthy(target.param("stdin")), out = truthy(target.param("stdout")), err = truthy(target.param("stderr"));
  bool tty = truthy(target.param("tty"));
  std::string problem;
  if (command.empty()) problem = "you must specify at least 1 command";
  else if (!in && !out && !err) problem = "you must specify at least 1 of stdin, stdout, stderr";
  else if (!websocket::is_upgrade(request))
    problem = "exec needs a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io); SPDY is not supported";
  std::string protocol = choose_protocol(request[bhttp::field::sec_websocket_protocol]);
  if (problem.empty() && protocol.empty())
    problem = fmt::format("none of the requested subprotocols ({}) is supported: use {} or {}",
                          std::string(request[bhttp::field::sec_websocket_protocol]), kV5, kV4);
  if (!problem.empty()) {
    co_await send_text(stream, request, bhttp::status::bad_request, problem);
    co_return;
  }

  Ws ws(stream);
  // The WebSocket keeps its own deadlines: none while idle (an interactive shell may sit
  // for hours), bounded opening and closing handshakes.
  beast::get_lowest_layer(stream).expires_never();
  websocket::stream_base::timeout timeouts{std::chrono::seconds(30), websocket::stream_base::none(), false};
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [protocol](websocket::response_type& res) { res.set(bhttp::field::sec_websocket_protocol, protocol); }));
  ws.binary(true);
  auto [ec] = co_await ws.async_accept(request, kTuple);
  if (ec) {
    log::debug(kLog, "exec: WebSocket handshake failed: {}", ec.message());
    co_return;
  }
  log::debug(kLog, "exec in {}/{}/{} ({}): {}", target.ns, target.pod, target.container, protocol, fmt::join(command, " "));
  ExecSession session(ws, runtime, location->container_id, std::move(command), in, out, err, tty, protocol == kV5);
  co_await session.run();
}

}  // namespace kscratch::kubelet::server
