#include "alt_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace kscratch::pki {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

}  // namespace

SubjectAltNames classify_names(const std::vector<std::string>& names) {
  SubjectAltNames out;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    if (auto ip = detail::canonical_ip(name)) add_unique(out.ip_addresses, *ip);
    else add_unique(out.dns_names, lower(name));  // DNS names are case-insensitive.
  }
  return out;
}

namespace detail {

std::optional<std::string> ip_to_bytes(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 16);
  return std::nullopt;
}

std::string ip_from_bytes(std::string_view bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (bytes.size() == 4) inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  else if (bytes.size() == 16) inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<std::string> canonical_ip(std::string_view text) {
  auto bytes = ip_to_bytes(text);
  if (!bytes) return std::nullopt;
  return ip_from_bytes(*bytes);
}

SubjectAltNames missing_names(const SubjectAltNames& have, const SubjectAltNames& wanted) {
  SubjectAltNames missing;
  for (const std::string& dns : wanted.dns_names) {
    bool found = std::any_of(have.dns_names.begin(), have.dns_names.end(),
                             [&](const std::string& h) { return lower(h) == lower(dns); });
    if (!found) missing.dns_names.push_back(dns);
  }
  for (const std::string& ip : wanted.ip_addresses) {
    auto want = canonical_ip(ip).value_or(ip);
    bool found = std::any_of(have.ip_addresses.begin(), have.ip_addresses.end(),
                             [&](const std::string& h) { return canonical_ip(h).value_or(h) == want; });
    if (!found) missing.ip_addresses.push_back(ip);
  }
  return missing;
}

bool empty(const SubjectAltNames& names) { return names.dns_names.empty() && names.ip_addresses.empty(); }

}  // namespace detail
}  // namespace kscratch::pki
