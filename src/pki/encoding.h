#pragma once
// Internal: the byte encodings tokens and kubeconfigs use (hex, base64, SHA-256).

#include "kscratch/util/expected.h"

#include <string>
#include <string_view>

namespace kscratch::pki::detail {

std::string hex_encode(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);
std::string base64_encode(std::string_view bytes);

// Standard base64 with padding; whitespace (line breaks in hand-edited files) is ignored.
Expected<std::string> base64_decode(std::string_view text);

}  // namespace kscratch::pki::detail
