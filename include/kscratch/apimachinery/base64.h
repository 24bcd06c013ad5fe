#pragma once
// Standard base64 (RFC 4648, padded), as Secret.data and ConfigMap.binaryData carry bytes.

#include <optional>
#include <string>
#include <string_view>

namespace kscratch::apimachinery {

// The decoded bytes, or nothing when text is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

// Padded base64 of bytes, as Go's base64.StdEncoding writes a []byte field.
std::string base64_encode(std::string_view bytes);

}  // namespace kscratch::apimachinery
