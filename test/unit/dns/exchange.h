#pragma once
// Asking a DNS server on loopback, over UDP or TCP, as a client would; with a timeout so a
// server that never answers fails the test instead of hanging it.

#include "dns/message.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace kscratch::dns::testing {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using udp = asio::ip::udp;
using tcp = asio::ip::tcp;

inline const asio::ip::address kLoopback = asio::ip::make_address("127.0.0.1");

inline std::vector<std::uint8_t> query(const std::string& name, std::uint16_t id = 4242, std::uint16_t qtype = type::kA) {
  Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back({name, qtype, kClassIN});
  return encode(m);
}

inline asio::awaitable<std::optional<Message>> with_timeout(asio::awaitable<std::vector<std::uint8_t>> exchange) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::seconds(10));
  auto outcome = co_await (std::move(exchange) || timer.async_wait(asio::use_awaitable));
  if (outcome.index() != 0) co_return std::nullopt;
  auto parsed = parse(std::get<0>(outcome));
  if (!parsed) co_return std::nullopt;
  co_return std::move(*parsed);
}

inline asio::awaitable<std::vector<std::uint8_t>> udp_exchange(std::uint16_t port, std::vector<std::uint8_t> q) {
  udp::socket s(co_await asio::this_coro::executor, udp::endpoint(kLoopback, 0));
  udp::endpoint server(kLoopback, port);
  co_await s.async_send_to(asio::buffer(q), server, asio::use_awaitable);
  std::vector<std::uint8_t> buffer(65535);
  udp::endpoint from;
  auto n = co_await s.async_receive_from(asio::buffer(buffer), from, asio::use_awaitable);
  buffer.resize(n);
  co_return buffer;
}

inline asio::awaitable<std::vector<std::uint8_t>> tcp_exchange(std::uint16_t port, std::vector<std::uint8_t> q) {
  tcp::socket s(co_await asio::this_coro::executor);
  tcp::endpoint server(kLoopback, port);
  co_await s.async_connect(server, asio::use_awaitable);
  std::array<std::uint8_t, 2> length{static_cast<std::uint8_t>(q.size() >> 8), static_cast<std::uint8_t>(q.size())};
  co_await asio::async_write(s, asio::buffer(length), asio::use_awaitable);
  co_await asio::async_write(s, asio::buffer(q), asio::use_awaitable);
  co_await asio::async_read(s, asio::buffer(length), asio::use_awaitable);
  std::vector<std::uint8_t> reply(static_cast<std::size_t>((length[0] << 8) | length[1]));
  co_await asio::async_read(s, asio::buffer(reply), asio::use_awaitable);
  co_return reply;
}

}  // namespace kscratch::dns::testing
