// Selector: a sorted conjunction of requirements.

#include <algorithm>

#include <boost/json.hpp>

#include "kscratch/apimachinery/labels.h"
#include "requirement_internal.h"

namespace kscratch::apimachinery::labels {

Selector Selector::nothing() {
  Selector s;
  s.nothing_ = true;
  return s;
}

bool Selector::matches(const LabelMap& labels) const {
  if (nothing_) return false;
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&labels](const Requirement& r) { return r.matches(labels); });
}

bool Selector::matches(const boost::json::object& labels) const {
  if (nothing_) return false;
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&labels](const Requirement& r) { return r.matches(labels); });
}

std::string Selector::to_string() const {
  std::string out;
  for (size_t i = 0; i < requirements_.size(); ++i) out += (i ? "," : "") + requirements_[i].to_string();
  return out;
}

Selector Selector::add(Requirement requirement) const {
  if (nothing_) return *this;  // Upstream's nothing selector ignores additions.
  Selector copy = *this;
  copy.requirements_.push_back(std::move(requirement));
  // Stable, so equal keys keep their order; upstream's sort is stable for small selectors too.
  std::stable_sort(copy.requirements_.begin(), copy.requirements_.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key() < b.key(); });
  return copy;
}

std::optional<std::string> Selector::requires_exact_match(std::string_view key) const {
  for (const Requirement& r : requirements_) {
    if (r.key() != key) continue;
    // Only the first requirement on the key decides, as upstream.
    bool exact = r.op() == Operator::kEquals || r.op() == Operator::kDoubleEquals || r.op() == Operator::kIn;
    if (exact && r.values().size() == 1) return r.values().front();
    return std::nullopt;
  }
  return std::nullopt;
}

Selector detail::RequirementAccess::build(std::vector<Requirement> requirements) {
  Selector s;
  s.requirements_ = std::move(requirements);
  std::stable_sort(s.requirements_.begin(), s.requirements_.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key() < b.key(); });
  return s;
}

Selector selector_from_set(const LabelMap& set) {
  std::vector<Requirement> requirements;
  for (const auto& [key, value] : set) {
    requirements.push_back(detail::RequirementAccess::build(key, Operator::kEquals, {value}));
  }
  return detail::RequirementAccess::build(std::move(requirements));
}

Expected<Selector> validated_selector_from_set(const LabelMap& set) {
  std::vector<Requirement> requirements;
  for (const auto& [key, value] : set) {
    Expected<Requirement> r = Requirement::make(key, Operator::kEquals, {value});
    if (!r) return r.error();
    requirements.push_back(std::move(*r));
  }
  return detail::RequirementAccess::build(std::move(requirements));
}

}  // namespace kscratch::apimachinery::labels
