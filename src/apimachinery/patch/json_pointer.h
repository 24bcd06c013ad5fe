#pragma once
// JSON Pointer (RFC 6901) parsing and the array-index rules of evanphx/json-patch, which the
// apiserver uses for application/json-patch+json.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kscratch/util/expected.h"

namespace kscratch::apimachinery::patch_detail {

// The unescaped reference tokens of `pointer` ("" is the whole document, so no tokens), or
// nullopt when it is not a pointer: it must start with '/' and '~' may only precede 0 or 1.
std::optional<std::vector<std::string>> parse_json_pointer(std::string_view pointer);

// An array index token as Go's strconv.Atoi reads it (an optional sign and decimal digits).
// The error is Atoi's own text, which upstream embeds in its messages.
Expected<std::int64_t> parse_array_index(std::string_view token);

}  // namespace kscratch::apimachinery::patch_detail
