#pragma once
// Internal: subjectAltName helpers shared by certificate issuing and the serving-cert check.

#include "kscratch/pki/pki.h"

#include <optional>
#include <string>
#include <string_view>

namespace kscratch::pki::detail {

// The canonical text form of an IPv4 or IPv6 address, or nullopt if `text` is not one.
std::optional<std::string> canonical_ip(std::string_view text);

// The raw address bytes (4 or 16) of an IP address in text form.
std::optional<std::string> ip_to_bytes(std::string_view text);

// The text form of 4 or 16 raw address bytes.
std::string ip_from_bytes(std::string_view bytes);

// The names in `wanted` that `have` does not contain (DNS names case-insensitively).
SubjectAltNames missing_names(const SubjectAltNames& have, const SubjectAltNames& wanted);

bool empty(const SubjectAltNames& names);

}  // namespace kscratch::pki::detail
