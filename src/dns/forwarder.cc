#include "dns/forwarder.h"

#include "kscratch/util/log.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace kscratch::dns {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using udp = asio::ip::udp;
using tcp = asio::ip::tcp;
using Reply = std::optional<std::vector<std::uint8_t>>;

namespace {

constexpr std::string_view kLog = "dns";

std::uint16_t id_of(const std::vector<std::uint8_t>& m) { return static_cast<std::uint16_t>((m[0] << 8) | m[1]); }
void set_id(std::vector<std::uint8_t>& m, std::uint16_t id) {
  m[0] = static_cast<std::uint8_t>(id >> 8);
  m[1] = static_cast<std::uint8_t>(id);
}
bool is_response_to(const std::vector<std::uint8_t>& m, std::uint16_t id) {
  return m.size() >= 12 && (m[2] & 0x80) && id_of(m) == id;
}
bool truncated(const std::vector<std::uint8_t>& m) { return m[2] & 0x02; }

// Waits for UDP datagrams until one from `from` answers id; empty when the socket fails
// (an ICMP port unreachable from the upstream), so the next upstream is tried at once.
asio::awaitable<std::vector<std::uint8_t>> receive_answer(udp::socket& socket, udp::endpoint from, std::uint16_t id) {
  std::vector<std::uint8_t> buffer(65535);
  for (;;) {
    udp::endpoint sender;
    boost::system::error_code ec;
    std::size_t n =
        co_await socket.async_receive_from(asio::buffer(buffer), sender, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
    if (ec) co_return std::vector<std::uint8_t>{};
    std::vector<std::uint8_t> reply(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    if (sender == from && is_response_to(reply, id)) co_return reply;
  }
}

asio::awaitable<std::vector<std::uint8_t>> tcp_exchange(tcp::socket& socket, tcp::endpoint to,
                                                        const std::vector<std::uint8_t>& query) {
  co_await socket.async_connect(to, asio::use_awaitable);
  std::array<std::uint8_t, 2> length{static_cast<std::uint8_t>(query.size() >> 8),
                                     static_cast<std::uint8_t>(query.size())};
  std::array<asio::const_buffer, 2> out{asio::buffer(length), asio::buffer(query)};
  co_await asio::async_write(socket, out, asio::use_awaitable);
  co_await asio::async_read(socket, asio::buffer(length), asio::use_awaitable);
  std::vector<std::uint8_t> reply(static_cast<std::size_t>((length[0] << 8) | length[1]));
  co_await asio::async_read(socket, asio::buffer(reply), asio::use_awaitable);
  co_return reply;
}

// tcp_exchange, empty when the connection fails (refused, reset), not only on a timeout.
asio::awaitable<std::vector<std::uint8_t>> tcp_answer(tcp::socket& socket, tcp::endpoint to,
                                                      const std::vector<std::uint8_t>& query) {
  std::vector<std::uint8_t> reply;
  try {
    reply = co_await tcp_exchange(socket, to, query);
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;
  }
  co_return reply;
}

}  // namespace

Forwarder::Forwarder(asio::any_io_executor executor, std::chrono::milliseconds timeout)
    : executor_(std::move(executor)), timeout_(timeout), random_(std::random_device{}()) {}

asio::awaitable<Reply> Forwarder::exchange(std::vector<std::uint8_t> query) {
  if (query.size() < 12) co_return std::nullopt;
  std::uint16_t client_id = id_of(query);
  // A copy: set_upstreams() may replace the list while this query waits.
  std::vector<Upstream> upstreams = upstreams_;
  for (const auto& upstream : upstreams) {
    std::uint16_t id = static_cast<std::uint16_t>(random_());
    set_id(query, id);
    Reply reply = co_await over_udp(upstream, query);
    if (reply && truncated(*reply)) reply = co_await over_tcp(upstream, query);
    if (reply && is_response_to(*reply, id)) {
      set_id(*reply, client_id);
      co_return reply;
    }
  }
  co_return std::nullopt;
}

asio::awaitable<Reply> Forwarder::over_udp(const Upstream& upstream, const std::vector<std::uint8_t>& query) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(upstream.address, ec);
  if (ec) co_return std::nullopt;
  udp::endpoint to(address, upstream.port);
  udp::socket socket(executor_);
  socket.open(to.protocol(), ec);
  if (ec) co_return std::nullopt;
  asio::steady_timer timer(executor_, timeout_);
  try {
    co_await socket.async_send_to(asio::buffer(query), to, asio::use_awaitable);
    auto outcome = co_await (receive_answer(socket, to, id_of(query)) || timer.async_wait(asio::use_awaitable));
    if (outcome.index() == 0 && !std::get<0>(outcome).empty()) co_return std::get<0>(std::move(outcome));
    log::debug(kLog, "upstream {}:{} did not answer over UDP", upstream.address, upstream.port);
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;
    log::debug(kLog, "upstream {}:{} over UDP: {}", upstream.address, upstream.port, e.what());
  }
  co_return std::nullopt;
}

asio::awaitable<Reply> Forwarder::over_tcp(const Upstream& upstream, const std::vector<std::uint8_t>& query) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(upstream.address, ec);
  if (ec) co_return std::nullopt;
  tcp::endpoint to(address, upstream.port);
  tcp::socket socket(executor_);
  asio::steady_timer timer(executor_, timeout_);
  try {
    auto outcome = co_await (tcp_answer(socket, to, query) || timer.async_wait(asio::use_awaitable));
    if (outcome.index() == 0 && !std::get<0>(outcome).empty()) co_return std::get<0>(std::move(outcome));
    log::debug(kLog, "upstream {}:{} did not answer over TCP in {} ms", upstream.address, upstream.port,
               timeout_.count());
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;
    log::debug(kLog, "upstream {}:{} over TCP: {}", upstream.address, upstream.port, e.what());
  }
  co_return std::nullopt;
}

}  // namespace kscratch::dns
