#pragma once
// The order go-yaml v2 writes map keys in: letters by code point, everything else before
// letters, and runs of digits compared by numeric value ("a9" before "a10").

#include <string_view>

namespace kscratch::apimachinery::yaml::detail {

bool go_yaml_key_less(std::string_view a, std::string_view b);

}  // namespace kscratch::apimachinery::yaml::detail
