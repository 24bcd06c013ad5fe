#include "probe.h"

#include "kscratch/apimachinery/object.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

namespace kscratch::kubelet {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using namespace apimachinery::object;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A failed connect as Go's net package words it ("connect: connection refused").
std::string dial_error(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "i/o timeout";
  if (ec == asio::error::connection_refused) return "connect: connection refused";
  if (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable) {
    return "connect: no route to host";
  }
  return ec.message();
}

// A port given as a number, or as the name of one of the container's ports.
int resolve_port(const json::object& action, const json::object& container) {
  auto* port = action.if_contains("port");
  if (!port) return 0;
  if (port->is_int64()) return static_cast<int>(port->get_int64());
  if (port->is_uint64()) return static_cast<int>(port->get_uint64());
  if (!port->is_string()) return 0;
  std::string name(port->get_string());
  if (auto* ports = container.if_contains("ports"); ports && ports->is_array()) {
    for (auto& p : ports->get_array()) {
      if (p.is_object() && string_at(p.get_object(), "name") == name) {
        return static_cast<int>(int_at(p.get_object(), "containerPort").value_or(0));
      }
    }
  }
  try {
    return std::stoi(name);
  } catch (...) {
    return 0;
  }
}

asio::awaitable<ProbeOutcome> http_probe(const json::object& action, const json::object& container,
                                         const std::string& pod_ip, std::chrono::seconds timeout) {
  auto host = string_at(action, "host");
  if (host.empty()) host = pod_ip;
  int port = resolve_port(action, container);
  auto path = string_at(action, "path");
  if (path.empty() || path[0] != '/') path = "/" + path;
  if (string_at(action, "scheme") == "HTTPS") {
    // NOTE: HTTPS probes are not implemented yet; saying so in the event beats guessing.
    co_return ProbeOutcome{false, "HTTPS probes are not supported by this kubelet yet"};
  }
  auto url = fmt::format("http://{}:{}{}", host, port, path);
  boost::system::error_code parse_error;
  auto address = asio::ip::make_address(host, parse_error);
  if (parse_error || port <= 0) co_return ProbeOutcome{false, fmt::format("Get \"{}\": invalid address", url)};

  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(timeout);
  auto [ec] = co_await stream.async_connect(asio::ip::tcp::endpoint(address, static_cast<std::uint16_t>(port)), kTuple);
  if (ec) co_return ProbeOutcome{false, fmt::format("Get \"{}\": dial tcp {}:{}: {}", url, host, port, dial_error(ec))};
  http::request<http::empty_body> req{http::verb::get, path, 11};
  req.set(http::field::host, fmt::format("{}:{}", host, port));
  req.set(http::field::user_agent, "kube-probe/1.32");
  req.set(http::field::accept, "*/*");
  if (auto* headers = action.if_contains("httpHeaders"); headers && headers->is_array()) {
    for (auto& h : headers->get_array()) {
      if (h.is_object()) req.set(string_at(h.get_object(), "name"), string_at(h.get_object(), "value"));
    }
  }
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  (void)written;
  if (wec) co_return ProbeOutcome{false, fmt::format("Get \"{}\": {}", url, wec.message())};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(10 * 1024);
  auto [rec, read] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  (void)read;
  if (rec) {
    auto why = rec == beast::error::timeout ? std::string("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
                                            : rec.message();
    co_return ProbeOutcome{false, fmt::format("Get \"{}\": {}", url, why)};
  }
  int code = static_cast<int>(parser.get().result_int());
  if (code >= 200 && code < 400) co_return ProbeOutcome{true, {}};
  co_return ProbeOutcome{false, fmt::format("HTTP probe failed with statuscode: {}", code)};
}

asio::awaitable<ProbeOutcome> tcp_probe(const json::object& action, const json::object& container,
                                        const std::string& pod_ip, std::chrono::seconds timeout) {
  auto host = string_at(action, "host");
  if (host.empty()) host = pod_ip;
  int port = resolve_port(action, container);
  boost::system::error_code parse_error;
  auto address = asio::ip::make_address(host, parse_error);
  if (parse_error || port <= 0) co_return ProbeOutcome{false, fmt::format("dial tcp {}:{}: invalid address", host, port)};
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(timeout);
  auto [ec] = co_await stream.async_connect(asio::ip::tcp::endpoint(address, static_cast<std::uint16_t>(port)), kTuple);
  if (ec) co_return ProbeOutcome{false, fmt::format("dial tcp {}:{}: {}", host, port, dial_error(ec))};
  co_return ProbeOutcome{true, {}};
}

}  // namespace

asio::awaitable<ProbeOutcome> run_probe(const json::object& probe, const json::object& container,
                                        const std::string& pod_ip, containers::Runtime& runtime,
                                        const std::string& container_id) {
  auto timeout = std::chrono::seconds(std::max<std::int64_t>(1, int_at(probe, "timeoutSeconds").value_or(1)));
  if (auto* action = object_at(probe, "httpGet")) co_return co_await http_probe(*action, container, pod_ip, timeout);
  if (auto* action = object_at(probe, "tcpSocket")) co_return co_await tcp_probe(*action, container, pod_ip, timeout);
  if (auto* action = object_at(probe, "exec")) {
    std::vector<std::string> command;
    if (auto* c = action->if_contains("command"); c && c->is_array()) {
      for (auto& a : c->get_array()) {
        if (a.is_string()) command.emplace_back(a.get_string());
      }
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    auto result = co_await runtime.exec(container_id, command, ms);
    if (result.timed_out) co_return ProbeOutcome{false, fmt::format("command timed out after {}s", timeout.count())};
    if (result.exit_code == 0) co_return ProbeOutcome{true, {}};
    co_return ProbeOutcome{false, result.output};
  }
  co_return ProbeOutcome{false, "probe has no handler"};
}

}  // namespace kscratch::kubelet
