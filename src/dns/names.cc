#include "dns/names.h"

#include <fmt/format.h>

#include <charconv>

namespace kscratch::dns {

namespace {

std::optional<A> parse_quad(std::string_view text, char separator) {
  A out;
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    std::size_t end = i < 3 ? text.find(separator, start) : text.size();
    if (end == std::string_view::npos) return std::nullopt;
    auto part = text.substr(start, end - start);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size() || value > 255) return std::nullopt;
    out.address[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
    start = end + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string> split_labels(std::string_view name) {
  std::vector<std::string> out;
  while (!name.empty()) {
    auto dot = name.find('.');
    out.emplace_back(name.substr(0, dot));
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  return out;
}

bool ends_with_label(std::string_view name, std::string_view suffix) {
  if (name == suffix) return true;
  return name.size() > suffix.size() && name.ends_with(suffix) && name[name.size() - suffix.size() - 1] == '.';
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (const auto& label : split_labels(name)) {
    if (label.empty() || label.size() > 63) return false;
  }
  return name.back() != '.';
}

std::optional<A> parse_ipv4(std::string_view text) { return parse_quad(text, '.'); }

std::string format_ipv4(const A& a) {
  return fmt::format("{}.{}.{}.{}", a.address[0], a.address[1], a.address[2], a.address[3]);
}

std::string dashed_ip(std::string_view ip) {
  std::string out(ip);
  for (auto& c : out) {
    if (c == '.' || c == ':') c = '-';
  }
  return out;
}

std::optional<A> parse_dashed_ipv4(std::string_view label) { return parse_quad(label, '-'); }

std::optional<std::string> ip_from_reverse(std::string_view name) {
  constexpr std::string_view kSuffix = ".in-addr.arpa";
  if (!name.ends_with(kSuffix)) return std::nullopt;
  auto labels = split_labels(name.substr(0, name.size() - kSuffix.size()));
  if (labels.size() != 4) return std::nullopt;
  auto ip = fmt::format("{}.{}.{}.{}", labels[3], labels[2], labels[1], labels[0]);
  if (!parse_ipv4(ip)) return std::nullopt;
  return ip;
}

}  // namespace kscratch::dns
