#pragma once
// Pieces of requirement construction shared by the string parser and the metav1.LabelSelector
// conversion.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kscratch/apimachinery/labels.h"

namespace kscratch::apimachinery::labels::detail {

struct RequirementAccess {
  static Requirement build(std::string key, Operator op, std::vector<std::string> values) {
    return Requirement(std::move(key), op, std::move(values));
  }
  // A selector of the requirements, sorted by key (stable, like upstream's sort of few items).
  static Selector build(std::vector<Requirement> requirements);
};

// strconv.ParseInt(s, 10, 64).
std::optional<int64_t> parse_go_int64(std::string_view s);

// upstream validateLabelKey: the field error for an invalid key, reported at path.
std::optional<std::string> validate_label_key(std::string_view key, std::string_view path);

// upstream NewRequirement. values_present=false stands for a nil Go slice, which prints as
// "null" rather than "[]" in the error text.
Expected<Requirement> make_requirement(std::string key, Operator op, std::vector<std::string> values,
                                       bool values_present);

}  // namespace kscratch::apimachinery::labels::detail
