#include "dns/upstreams.h"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <sstream>

namespace kscratch::dns {

namespace {

bool is_ip(const std::string& text) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(text, ec);
  return !ec;
}

bool is_loopback(const std::string& text) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(text, ec);
  return !ec && a.is_loopback();
}

bool is_unspecified(const std::string& text) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(text, ec);
  return text.empty() || (!ec && a.is_unspecified());
}

}  // namespace

std::vector<std::string> nameservers_of(const std::string& resolv_conf) {
  std::vector<std::string> out;
  std::istringstream lines(resolv_conf);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword, address;
    if (words >> keyword >> address && keyword == "nameserver") {
      // A zone index (fe80::1%eth0) cannot be used from here; such servers are skipped.
      if (address.find('%') == std::string::npos && is_ip(address)) out.push_back(address);
    }
  }
  return out;
}

std::optional<Upstream> parse_upstream(const std::string& text) {
  if (is_ip(text)) return Upstream{text, 53};
  std::string host, port_text;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string::npos || text.size() < close + 3 || text[close + 1] != ':') return std::nullopt;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535 || !is_ip(host)) {
    return std::nullopt;
  }
  return Upstream{host, static_cast<std::uint16_t>(port)};
}

std::vector<Upstream> usable_upstreams(const std::vector<std::string>& nameservers, const std::string& cluster_dns,
                                       const std::string& listen_address, std::uint16_t listen_port) {
  std::vector<Upstream> out;
  for (const auto& ns : nameservers) {
    if (ns == cluster_dns) continue;
    if (listen_port == 53 && (ns == listen_address || (is_unspecified(listen_address) && is_loopback(ns)))) continue;
    Upstream u{ns, 53};
    bool seen = false;
    for (const auto& o : out) seen = seen || o == u;
    if (!seen) out.push_back(u);
  }
  return out;
}

}  // namespace kscratch::dns
