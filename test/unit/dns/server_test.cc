// The server on loopback sockets: answers over UDP and TCP, forwarding to a fake upstream
// resolver on 127.0.0.1 (UDP, then TCP when its UDP answer is truncated), SERVFAIL when
// no upstream answers. No packet leaves the machine.

#include "dns/forwarder.h"
#include "dns/names.h"
#include "dns/server.h"
#include "exchange.h"
#include "map_catalog.h"
#include "run_coro.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <list>

using namespace kscratch::dns;
using namespace kscratch::dns::testing;

namespace {

// An upstream resolver that answers every A query with 192.0.2.7, and truncates over
// UDP the answers to names starting with "big" (answered in full over TCP).
struct FakeUpstream {
  explicit FakeUpstream(asio::io_context& io) : udp_socket(io, udp::endpoint(kLoopback, 0)), acceptor(io) {
    port = udp_socket.local_endpoint().port();
    acceptor.open(tcp::v4());
    acceptor.bind(tcp::endpoint(kLoopback, port));
    acceptor.listen();
  }

  std::vector<std::uint8_t> answer(const std::vector<std::uint8_t>& bytes, bool over_udp) {
    auto q = parse(bytes);
    Message m;
    m.header.id = q->header.id;
    m.header.qr = true;
    m.header.ra = true;
    m.questions = q->questions;
    const auto& name = q->questions.at(0).name;
    int copies = name.starts_with("big") ? 100 : 1;
    for (int i = 0; i < copies; ++i) m.answers.push_back({name, type::kA, kClassIN, 60, A{{192, 0, 2, 7}}});
    return encode(m, over_udp ? 512 : 65535);
  }

  asio::awaitable<void> serve_udp() {
    std::vector<std::uint8_t> buffer(65535);
    for (;;) {
      udp::endpoint from;
      auto n = co_await udp_socket.async_receive_from(asio::buffer(buffer), from, asio::use_awaitable);
      ++udp_queries;
      if (silent) continue;
      auto reply = answer(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + static_cast<long>(n)), true);
      co_await udp_socket.async_send_to(asio::buffer(reply), from, asio::use_awaitable);
    }
  }

  asio::awaitable<void> serve_tcp() {
    for (;;) {
      auto socket = co_await acceptor.async_accept(asio::use_awaitable);
      ++tcp_queries;
      std::array<std::uint8_t, 2> length{};
      co_await asio::async_read(socket, asio::buffer(length), asio::use_awaitable);
      std::vector<std::uint8_t> query(static_cast<std::size_t>((length[0] << 8) | length[1]));
      co_await asio::async_read(socket, asio::buffer(query), asio::use_awaitable);
      auto reply = answer(query, false);
      std::array<std::uint8_t, 2> out_length{static_cast<std::uint8_t>(reply.size() >> 8),
                                             static_cast<std::uint8_t>(reply.size())};
      co_await asio::async_write(socket, asio::buffer(out_length), asio::use_awaitable);
      co_await asio::async_write(socket, asio::buffer(reply), asio::use_awaitable);
    }
  }

  udp::socket udp_socket;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  bool silent = false;
  int udp_queries = 0, tcp_queries = 0;
};

struct Fixture {
  Fixture() : upstream(io), forwarder(io.get_executor(), std::chrono::milliseconds(300)) {
    catalog.add(service("default", "web", "10.43.0.20", {{"http", 80}}));
    forwarder.set_upstreams({Upstream{"127.0.0.1", upstream.port}});
    server = std::make_unique<Server>(io.get_executor(), catalog, forwarder, ZoneConfig{});
    server->bind("127.0.0.1", 0);
    spawn(server->run("127.0.0.1", 0));
    spawn(upstream.serve_udp());
    spawn(upstream.serve_tcp());
  }
  ~Fixture() {
    for (auto& s : stops) s.emit(asio::cancellation_type::terminal);
    io.restart();
    io.run_for(std::chrono::seconds(2));
  }
  void spawn(asio::awaitable<void> task) {
    auto& stop = stops.emplace_back();
    asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(stop.slot(), asio::detached));
  }
  std::optional<Message> udp_ask(const std::string& name) {
    return kscratch::testing::run_coro(io, with_timeout(udp_exchange(server->bound_port(), query(name))));
  }
  std::optional<Message> tcp_ask(const std::string& name) {
    return kscratch::testing::run_coro(io, with_timeout(tcp_exchange(server->bound_port(), query(name))));
  }

  asio::io_context io;
  MapCatalog catalog;
  FakeUpstream upstream;
  Forwarder forwarder;
  std::unique_ptr<Server> server;
  std::list<asio::cancellation_signal> stops;
};

std::string first_a(const Message& m) {
  for (const auto& rr : m.answers) {
    if (rr.type == type::kA) return format_ipv4(std::get<A>(rr.data));
  }
  return "";
}

}  // namespace

TEST_CASE("the server answers the zone over UDP and TCP") {
  Fixture f;
  auto over_udp = f.udp_ask("web.default.svc.cluster.local");
  REQUIRE(over_udp);
  CHECK(over_udp->header.id == 4242);
  CHECK(first_a(*over_udp) == "10.43.0.20");
  auto over_tcp = f.tcp_ask("web.default.svc.cluster.local");
  REQUIRE(over_tcp);
  CHECK(first_a(*over_tcp) == "10.43.0.20");
  auto nx = f.udp_ask("nope.default.svc.cluster.local");
  REQUIRE(nx);
  CHECK(nx->header.rcode == rcode::kNXDomain);
  CHECK(f.upstream.udp_queries == 0);  // the zone never goes upstream
}

TEST_CASE("names outside the zone are forwarded to the upstream resolver") {
  Fixture f;
  auto a = f.udp_ask("example.test");
  REQUIRE(a);
  CHECK(a->header.id == 4242);
  CHECK(a->header.rcode == rcode::kNoError);
  CHECK(first_a(*a) == "192.0.2.7");
  CHECK(f.upstream.udp_queries == 1);
  CHECK(f.upstream.tcp_queries == 0);
}

TEST_CASE("a truncated upstream answer is fetched again over TCP") {
  Fixture f;
  // Asked over TCP, the client gets all 100 records, which the upstream could only send
  // over TCP.
  auto a = f.tcp_ask("big.example.test");
  REQUIRE(a);
  CHECK_FALSE(a->header.tc);
  CHECK(a->answers.size() == 100);
  CHECK(f.upstream.udp_queries == 1);
  CHECK(f.upstream.tcp_queries == 1);
  // Asked over UDP without EDNS, the client is told to use TCP.
  auto cut = f.udp_ask("big.example.test");
  REQUIRE(cut);
  CHECK(cut->header.tc);
  CHECK(cut->header.id == 4242);
}

TEST_CASE("SERVFAIL when no upstream answers") {
  Fixture f;
  f.upstream.silent = true;
  auto a = f.udp_ask("example.test");
  REQUIRE(a);
  CHECK(a->header.rcode == rcode::kServFail);
  CHECK(a->header.id == 4242);
  // And with no upstream at all.
  f.forwarder.set_upstreams({});
  auto none = f.tcp_ask("example.test");
  REQUIRE(none);
  CHECK(none->header.rcode == rcode::kServFail);
}

TEST_CASE("garbage to the server gets FORMERR or nothing, and the server goes on") {
  Fixture f;
  std::vector<std::uint8_t> garbage = {0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12};
  auto a = kscratch::testing::run_coro(f.io, with_timeout(udp_exchange(f.server->bound_port(), garbage)));
  REQUIRE(a);
  CHECK(a->header.id == 7);
  CHECK(a->header.rcode == rcode::kFormErr);
  auto after = f.udp_ask("web.default.svc.cluster.local");
  REQUIRE(after);
  CHECK(first_a(*after) == "10.43.0.20");
}

TEST_CASE("a second server cannot bind the same address and port, and says so") {
  Fixture f;
  Server other(f.io.get_executor(), f.catalog, f.forwarder, ZoneConfig{});
  CHECK_THROWS_WITH(other.bind("127.0.0.1", f.server->bound_port()), Catch::Contains("cannot listen on 127.0.0.1:"));
  CHECK_THROWS_WITH(other.bind("not-an-ip", 53), Catch::Contains("not an IP address"));
}
