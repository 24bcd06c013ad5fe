#include "dns/server.h"

#include "dns/handler.h"
#include "kscratch/runtime/task_group.h"
#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include <array>

namespace kscratch::dns {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using udp = asio::ip::udp;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kLog = "dns";
// Forwarded queries waiting at once; beyond this a query gets SERVFAIL at once rather
// than memory growing without bound under a flood.
constexpr std::size_t kMaxTasks = 1024;
// A TCP client that sends nothing for this long is disconnected (RFC 7766 suggests seconds).
constexpr std::chrono::seconds kTcpIdle{10};

// One length-prefixed message of a TCP stream (RFC 1035 4.2.2); empty at the end.
asio::awaitable<std::vector<std::uint8_t>> read_message(tcp::socket& socket) {
  std::array<std::uint8_t, 2> length{};
  boost::system::error_code ec;
  co_await asio::async_read(socket, asio::buffer(length), asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
  if (ec) co_return std::vector<std::uint8_t>{};
  std::vector<std::uint8_t> message(static_cast<std::size_t>((length[0] << 8) | length[1]));
  co_await asio::async_read(socket, asio::buffer(message), asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
  if (ec) message.clear();
  co_return message;
}

}  // namespace

Server::Server(asio::any_io_executor executor, const Catalog& catalog, Forwarder& forwarder, ZoneConfig zone)
    : executor_(executor),
      catalog_(catalog),
      forwarder_(forwarder),
      zone_(std::move(zone)),
      udp_(executor),
      tcp_(executor),
      tasks_(executor) {}

void Server::bind(const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) throw std::runtime_error(fmt::format("DNS listen address {} is not an IP address", address));
  try {
    tcp::endpoint tcp_at(ip, port);
    tcp_.open(tcp_at.protocol());
    tcp_.set_option(tcp::acceptor::reuse_address(true));
    tcp_.bind(tcp_at);
    tcp_.listen();
    bound_port_ = tcp_.local_endpoint().port();
    udp::endpoint udp_at(ip, bound_port_);
    udp_.open(udp_at.protocol());
    udp_.bind(udp_at);
    // Answers from the cache are sent with a plain send_to: never wait on a full socket
    // buffer (the datagram is dropped, as the network may drop it anyway).
    udp_.non_blocking(true);
  } catch (const boost::system::system_error& e) {
    tcp_.close(ec);
    udp_.close(ec);
    throw std::runtime_error(fmt::format("cannot listen on {}:{} for DNS: {}", address, port, e.code().message()));
  }
}

asio::awaitable<void> Server::run(std::string address, std::uint16_t port) {
  if (!udp_.is_open()) bind(address, port);
  log::info(kLog, "serving DNS for {} on {}:{} (UDP and TCP)", zone_.domain, address, bound_port_);
  std::vector<asio::awaitable<void>> loops;
  loops.push_back(serve_udp());
  loops.push_back(serve_tcp());
  loops.push_back(tasks_.run());
  co_await runtime::run_together(std::move(loops));
}

asio::awaitable<std::vector<std::uint8_t>> Server::answer(std::vector<std::uint8_t> packet, bool over_udp) {
  Decision d = decide(packet, catalog_, zone_, over_udp);
  switch (d.kind) {
    case Decision::kDrop:
    case Decision::kReply:
      co_return std::move(d.reply);
    case Decision::kForward: {
      auto reply = co_await forwarder_.exchange(std::move(packet));
      std::optional<std::vector<std::uint8_t>> relayed;
      if (reply) relayed = relay(d.query, std::move(*reply), reply_limit(d.query, over_udp));
      if (!relayed) {
        const auto& q = d.query.questions[0];
        log::debug(kLog, "no upstream answered {} (type {})", q.name, q.type);
        co_return servfail(d.query);
      }
      co_return std::move(*relayed);
    }
    case Decision::kChase: {
      // The CNAME is the answer; the target's records are added when an upstream has them.
      auto chase = query_bytes(d.query.header.id, d.answer.chase, d.query.questions[0].type);
      auto reply = co_await forwarder_.exchange(std::move(chase));
      if (reply) add_chased(d.answer, *reply);
      co_return reply_bytes(d.query, d.answer, reply_limit(d.query, over_udp));
    }
  }
  co_return std::vector<std::uint8_t>{};
}

asio::awaitable<void> Server::serve_udp() {
  std::vector<std::uint8_t> buffer(65535);
  for (;;) {
    udp::endpoint client;
    boost::system::error_code ec;
    std::size_t n =
        co_await udp_.async_receive_from(asio::buffer(buffer), client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
    if (ec) continue;  // an ICMP error from an earlier reply's client: not this socket's failure
    std::vector<std::uint8_t> packet(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    Decision d = decide(packet, catalog_, zone_, true);
    if (d.kind == Decision::kDrop) continue;
    if (d.kind == Decision::kReply) {
      // Answered from the cache: sent at once, without a task.
      udp_.send_to(asio::buffer(d.reply), client, 0, ec);
      continue;
    }
    if (tasks_.size() >= kMaxTasks) {
      auto failed = servfail(d.query);
      udp_.send_to(asio::buffer(failed), client, 0, ec);
      continue;
    }
    tasks_.spawn(reply_udp(std::move(packet), client), "dns-forward");
  }
}

asio::awaitable<void> Server::reply_udp(std::vector<std::uint8_t> packet, udp::endpoint client) {
  auto reply = co_await answer(std::move(packet), true);
  if (reply.empty()) co_return;
  boost::system::error_code ec;
  co_await udp_.async_send_to(asio::buffer(reply), client, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> Server::serve_tcp() {
  for (;;) {
    tcp::socket socket(executor_);
    boost::system::error_code ec;
    co_await tcp_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
    if (ec) {
      // Out of file descriptors, say: the listener stays, and tries again shortly.
      co_await runtime::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (tasks_.size() >= kMaxTasks) continue;  // closed at once: the client retries later
    tasks_.spawn(serve_connection(std::move(socket)), "dns-tcp");
  }
}

asio::awaitable<void> Server::serve_connection(tcp::socket socket) {
  for (;;) {
    asio::steady_timer idle(executor_, kTcpIdle);
    auto next = co_await (read_message(socket) || idle.async_wait(asio::use_awaitable));
    if (next.index() != 0) co_return;
    auto packet = std::get<0>(std::move(next));
    if (packet.empty()) co_return;
    auto reply = co_await answer(std::move(packet), false);
    if (reply.empty()) continue;
    std::array<std::uint8_t, 2> length{static_cast<std::uint8_t>(reply.size() >> 8),
                                       static_cast<std::uint8_t>(reply.size())};
    std::array<asio::const_buffer, 2> out{asio::buffer(length), asio::buffer(reply)};
    boost::system::error_code ec;
    co_await asio::async_write(socket, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace kscratch::dns
