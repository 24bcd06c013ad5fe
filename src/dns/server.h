#pragma once
// The DNS server's sockets: one UDP socket and one TCP listener on the same address and
// port. Queries in the cluster zone are answered at once from the catalog; the rest are
// forwarded, each in a task of its own so a slow upstream never holds up the zone.

#include "dns/catalog.h"
#include "dns/forwarder.h"
#include "dns/kubernetes_zone.h"
#include "kscratch/runtime/task_group.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <span>
#include <string>
#include <vector>

namespace kscratch::dns {

class Server {
 public:
  Server(boost::asio::any_io_executor executor, const Catalog& catalog, Forwarder& forwarder, ZoneConfig zone);

  // Binds address:port (UDP and TCP; a failure throws, naming them) and serves until
  // cancelled. port 0 picks a free port, the same for both (bound_port() tells which).
  boost::asio::awaitable<void> run(std::string address, std::uint16_t port);
  // Binds without serving; run() then serves these sockets.
  void bind(const std::string& address, std::uint16_t port);
  std::uint16_t bound_port() const { return bound_port_; }

  // The reply to one query's bytes ("" when it is to be dropped), forwarding if need be.
  boost::asio::awaitable<std::vector<std::uint8_t>> answer(std::vector<std::uint8_t> packet, bool over_udp);

 private:
  boost::asio::awaitable<void> serve_udp();
  boost::asio::awaitable<void> serve_tcp();
  boost::asio::awaitable<void> reply_udp(std::vector<std::uint8_t> packet, boost::asio::ip::udp::endpoint client);
  boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket);

  boost::asio::any_io_executor executor_;
  const Catalog& catalog_;
  Forwarder& forwarder_;
  ZoneConfig zone_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::tcp::acceptor tcp_;
  runtime::TaskGroup tasks_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace kscratch::dns
