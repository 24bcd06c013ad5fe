#pragma once
// Small helpers on DNS names and IPv4 addresses as the cluster zone spells them.

#include "dns/message.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::dns {

// "a.b.c" -> {"a", "b", "c"}; "" -> {}.
std::vector<std::string> split_labels(std::string_view name);
// Whether name is suffix or ends with "." + suffix (both lower case).
bool ends_with_label(std::string_view name, std::string_view suffix);
// Every label 1-63 octets, the whole at most 253 characters.
bool valid_name(std::string_view name);

// Strict dotted quad: "10.43.0.10" (no leading zeros beyond "0", no trailing text).
std::optional<A> parse_ipv4(std::string_view text);
std::string format_ipv4(const A& a);
// "10.42.0.5" <-> "10-42-0-5" (pod and endpoint names).
std::string dashed_ip(std::string_view ip);
std::optional<A> parse_dashed_ipv4(std::string_view label);
// "5.0.42.10.in-addr.arpa" -> "10.42.0.5"; nullopt unless it names one IPv4 address.
std::optional<std::string> ip_from_reverse(std::string_view name);

}  // namespace kscratch::dns
