#pragma once
// Helpers for the kinds tests: JSON literals and error texts as upstream prints them.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "kinds.h"

namespace kinds_test {

inline boost::json::object obj(std::string_view text) { return boost::json::parse(text).as_object(); }

inline std::vector<std::string> texts(const kscratch::apiserver::FieldErrors& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(kscratch::apiserver::error_text(e));
  return out;
}

inline bool contains(const kscratch::apiserver::FieldErrors& errs, std::string_view text) {
  std::vector<std::string> all = texts(errs);
  return std::find(all.begin(), all.end(), text) != all.end();
}

inline bool has_field(const kscratch::apiserver::FieldErrors& errs, std::string_view field,
                      kscratch::apiserver::FieldErrorType type) {
  return std::any_of(errs.begin(), errs.end(), [&](const auto& e) { return e.field == field && e.type == type; });
}

// All error texts joined, for readable failure output.
inline std::string dump(const kscratch::apiserver::FieldErrors& errs) {
  std::string out;
  for (const std::string& t : texts(errs)) out += t + "\n";
  return out;
}

}  // namespace kinds_test
