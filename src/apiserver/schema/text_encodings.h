#pragma once
// The text forms Go's encoding/json gives to values that protobuf carries as numbers or bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kscratch::apiserver::schema::detail {

// Standard base64 with padding, as Go encodes []byte in JSON.
std::string base64_encode(std::string_view bytes);

// RFC 3339 in UTC: "2024-05-01T12:00:00Z" (metav1.Time keeps whole seconds), or with
// microseconds "2024-05-01T12:00:00.123456Z" (metav1.MicroTime). Empty when the instant is
// outside years 0001..9999, which Go cannot format either.
std::optional<std::string> format_rfc3339(std::int64_t seconds, std::int32_t nanos, bool micro);

}  // namespace kscratch::apiserver::schema::detail
