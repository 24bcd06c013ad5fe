#pragma once
// Helpers shared by the quantity parser and arithmetic.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kscratch/apimachinery/quantity.h"

namespace kscratch::apimachinery::quantity::detail {

// strconv.ParseInt(s, 10, 64).
std::optional<int64_t> parse_int64(std::string_view s);

// Decimal text of a 128-bit integer.
std::string int128_to_string(Int128 v);

}  // namespace kscratch::apimachinery::quantity::detail
