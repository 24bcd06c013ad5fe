#pragma once
// Sends a query to the upstream resolvers and brings back the first answer: over UDP
// from a fresh socket (a random source port and id, so answers are hard to spoof), again
// over TCP when the answer came truncated, then the next resolver on a timeout or error.

#include "dns/upstreams.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace kscratch::dns {

class Forwarder {
 public:
  Forwarder(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout);

  void set_upstreams(std::vector<Upstream> upstreams) { upstreams_ = std::move(upstreams); }
  const std::vector<Upstream>& upstreams() const { return upstreams_; }

  // The reply to query (whose id is replaced on the wire and restored in the reply), or
  // nullopt when no upstream answered.
  boost::asio::awaitable<std::optional<std::vector<std::uint8_t>>> exchange(std::vector<std::uint8_t> query);

 private:
  boost::asio::awaitable<std::optional<std::vector<std::uint8_t>>> over_udp(const Upstream& upstream,
                                                                            const std::vector<std::uint8_t>& query);
  boost::asio::awaitable<std::optional<std::vector<std::uint8_t>>> over_tcp(const Upstream& upstream,
                                                                            const std::vector<std::uint8_t>& query);

  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds timeout_;
  std::vector<Upstream> upstreams_;
  std::mt19937 random_;
};

}  // namespace kscratch::dns
