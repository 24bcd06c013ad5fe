// Requirement: construction with upstream's validation, matching and string form.

#include <algorithm>
#include <climits>
#include <cstdint>

#include <boost/json.hpp>

#include "go_format.h"
#include "kscratch/apimachinery/labels.h"
#include "kscratch/apimachinery/validation.h"
#include "requirement_internal.h"

namespace kscratch::apimachinery::labels {

std::string_view operator_name(Operator op) {
  switch (op) {
    case Operator::kIn: return "in";
    case Operator::kNotIn: return "notin";
    case Operator::kEquals: return "=";
    case Operator::kDoubleEquals: return "==";
    case Operator::kNotEquals: return "!=";
    case Operator::kExists: return "exists";
    case Operator::kDoesNotExist: return "!";
    case Operator::kGreaterThan: return "gt";
    case Operator::kLessThan: return "lt";
  }
  return "";
}

namespace detail {

std::optional<int64_t> parse_go_int64(std::string_view s) {
  // strconv.ParseInt(s, 10, 64): one optional sign, then decimal digits only.
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) return magnitude == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

std::optional<std::string> validate_label_key(std::string_view key, std::string_view path) {
  std::vector<std::string> errs = validation::is_qualified_name(key);
  if (errs.empty()) return std::nullopt;
  std::string joined;
  for (size_t i = 0; i < errs.size(); ++i) joined += (i ? "; " : "") + errs[i];
  return invalid_value_error(path, key, joined);
}

}  // namespace detail

Expected<Requirement> Requirement::make(std::string key, Operator op, std::vector<std::string> values) {
  return detail::make_requirement(std::move(key), op, std::move(values), /*values_present=*/true);
}

Expected<Requirement> detail::make_requirement(std::string key, Operator op, std::vector<std::string> values,
                                               bool values_present) {
  // Paths are relative to no root, as in upstream calls without field.WithPath.
  std::vector<std::string> errs;
  if (auto err = validate_label_key(key, "key")) errs.push_back(*err);
  const std::vector<std::string>* bad = values_present ? &values : nullptr;
  switch (op) {
    case Operator::kIn:
    case Operator::kNotIn:
      if (values.empty()) {
        errs.push_back(invalid_list_error("values", bad, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case Operator::kEquals:
    case Operator::kDoubleEquals:
    case Operator::kNotEquals:
      if (values.size() != 1) {
        errs.push_back(invalid_list_error("values", bad, "exact-match compatibility requires one single value"));
      }
      break;
    case Operator::kExists:
    case Operator::kDoesNotExist:
      if (!values.empty()) {
        errs.push_back(
            invalid_list_error("values", bad, "values set must be empty for exists and does not exist"));
      }
      break;
    case Operator::kGreaterThan:
    case Operator::kLessThan:
      if (values.size() != 1) {
        errs.push_back(
            invalid_list_error("values", bad, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (!parse_go_int64(values[i])) {
          errs.push_back(invalid_value_error("values[" + std::to_string(i) + "]", values[i],
                                             "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<std::string> value_errs = validation::is_valid_label_value(values[i]);
    if (value_errs.empty()) continue;
    std::string joined;
    for (size_t e = 0; e < value_errs.size(); ++e) joined += (e ? "; " : "") + value_errs[e];
    errs.push_back(invalid_value_error("values[" + std::to_string(i) + "][" + key + "]", values[i], joined));
  }
  if (!errs.empty()) return make_error(aggregate(errs));
  return RequirementAccess::build(std::move(key), op, std::move(values));
}

template <class Lookup>
bool Requirement::matches_lookup(const Lookup& lookup) const {
  std::optional<std::string_view> value = lookup(key_);
  auto has_value = [this](std::string_view v) { return std::find(values_.begin(), values_.end(), v) != values_.end(); };
  switch (op_) {
    case Operator::kIn:
    case Operator::kEquals:
    case Operator::kDoubleEquals:
      return value && has_value(*value);
    case Operator::kNotIn:
    case Operator::kNotEquals:
      return !value || !has_value(*value);
    case Operator::kExists:
      return value.has_value();
    case Operator::kDoesNotExist:
      return !value.has_value();
    case Operator::kGreaterThan:
    case Operator::kLessThan: {
      if (!value || values_.size() != 1) return false;
      std::optional<int64_t> have = detail::parse_go_int64(*value);
      std::optional<int64_t> want = detail::parse_go_int64(values_.front());
      if (!have || !want) return false;
      return op_ == Operator::kGreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

bool Requirement::matches(const LabelMap& labels) const {
  return matches_lookup([&labels](const std::string& key) -> std::optional<std::string_view> {
    auto it = labels.find(key);
    if (it == labels.end()) return std::nullopt;
    return std::string_view(it->second);
  });
}

bool Requirement::matches(const boost::json::object& labels) const {
  return matches_lookup([&labels](const std::string& key) -> std::optional<std::string_view> {
    const boost::json::value* v = labels.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    const boost::json::string& s = v->get_string();
    return std::string_view(s.data(), s.size());
  });
}

std::string Requirement::to_string() const {
  std::string out;
  if (op_ == Operator::kDoesNotExist) out += '!';
  out += key_;
  switch (op_) {
    case Operator::kEquals: out += "="; break;
    case Operator::kDoubleEquals: out += "=="; break;
    case Operator::kNotEquals: out += "!="; break;
    case Operator::kIn: out += " in "; break;
    case Operator::kNotIn: out += " notin "; break;
    case Operator::kGreaterThan: out += ">"; break;
    case Operator::kLessThan: out += "<"; break;
    case Operator::kExists:
    case Operator::kDoesNotExist: return out;
  }
  bool set_based = op_ == Operator::kIn || op_ == Operator::kNotIn;
  if (set_based) out += '(';
  // Values print sorted without reordering the stored list, as upstream's safeSort.
  std::vector<std::string> sorted = values_;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) out += (i ? "," : "") + sorted[i];
  if (set_based) out += ')';
  return out;
}

}  // namespace kscratch::apimachinery::labels
