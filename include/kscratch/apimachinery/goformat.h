#pragma once
// Go's value formatting that upstream's error messages embed, shared by every part that
// must print them byte for byte like the apiserver (selectors, validation, ...).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <string_view>

namespace kscratch::apimachinery::goformat {

// Decodes one UTF-8 sequence at s[i] as Go's utf8.DecodeRuneInString: the rune and its
// width, or (-1, 1) for a byte that does not start a valid sequence.
std::pair<std::int32_t, std::size_t> decode_rune(std::string_view s, std::size_t i);

// Go's strconv.Quote (what %q prints): escapes as Go does, keeps printable UTF-8, and
// writes invalid bytes as \xNN.
std::string go_quote(std::string_view s);

}  // namespace kscratch::apimachinery::goformat
