#pragma once
// Helpers for the patch tests: JSON and YAML literals (upstream writes its cases in YAML),
// structural comparison with readable failures, and the MergeItem schema of upstream's
// strategicpatch tests.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kscratch/apimachinery/patch.h"

namespace patch_test {

inline boost::json::value J(const std::string& text) { return boost::json::parse(text); }

// YAML as sigs.k8s.io/yaml reads it into JSON: unquoted scalars become null, booleans or
// numbers when they look like one, everything else a string.
inline boost::json::value yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Sequence: {
      boost::json::array arr;
      for (const auto& item : node) arr.push_back(yaml_to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      boost::json::object obj;
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return obj;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return boost::json::value(s);  // Quoted: always a string.
  if (s == "null" || s == "~") return nullptr;
  if (s == "true") return true;
  if (s == "false") return false;
  if (!s.empty()) {
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0') return static_cast<std::int64_t>(i);
    double d = std::strtod(s.c_str(), &end);
    if (*end == '\0') return d;
  }
  return boost::json::value(s);
}

inline boost::json::value Y(const std::string& text) { return yaml_to_json(YAML::Load(text)); }

#define CHECK_JSON(actual, expected)                  \
  do {                                                \
    const boost::json::value& a_ = (actual);          \
    const boost::json::value& e_ = (expected);        \
    INFO("actual:   " << boost::json::serialize(a_)); \
    INFO("expected: " << boost::json::serialize(e_)); \
    CHECK(a_ == e_);                                  \
  } while (false)

// Checks an Expected<value> holds `expected`, printing the error otherwise.
#define CHECK_OK_JSON(result, expected)                                        \
  do {                                                                         \
    auto&& r_ = (result);                                                      \
    INFO("error: " << (r_.ok() ? std::string("none") : r_.error().message));   \
    REQUIRE(r_.ok());                                                          \
    CHECK_JSON(*r_, expected);                                                 \
  } while (false)

// Checks an Expected failed with a message containing `fragment`.
#define CHECK_ERROR_CONTAINS(result, fragment)                                          \
  do {                                                                                  \
    auto&& r_ = (result);                                                               \
    INFO("result: " << (r_.ok() ? boost::json::serialize(*r_) : r_.error().message));   \
    REQUIRE_FALSE(r_.ok());                                                             \
    CHECK_THAT(r_.error().message, Catch::Matchers::Contains(fragment));                \
  } while (false)

// Upstream's MergeItem test struct (strategicpatch/patch_test.go) as a schema. It refers to
// itself, which the type table expresses directly.
inline const kscratch::apimachinery::PatchSchema& merge_item_schema() {
  using kscratch::apimachinery::FieldPatchMeta;
  using kscratch::apimachinery::PatchSchema;
  using kscratch::apimachinery::PatchStrategy;
  static const PatchSchema schema = [] {
    PatchSchema s("mergeItem");
    s.add_field("mergeItem", "mergingList", {PatchStrategy::kMerge, false, "name", "mergeItem"})
        .add_field("mergeItem", "nonMergingList", {PatchStrategy::kDefault, false, "", "mergeItem"})
        .add_field("mergeItem", "mergingIntList", {PatchStrategy::kMerge, false, "", ""})
        .add_field("mergeItem", "mergeItemPtr", {PatchStrategy::kMerge, false, "name", "mergeItem"})
        .add_field("mergeItem", "replacingItem", {PatchStrategy::kReplace, false, "", ""})
        .add_field("mergeItem", "retainKeysMap", {PatchStrategy::kDefault, true, "", "retainKeysMergeItem"})
        .add_field("mergeItem", "retainKeysMergingList", {PatchStrategy::kMerge, true, "name", "mergeItem"})
        .add_field("retainKeysMergeItem", "mergingIntList", {PatchStrategy::kMerge, false, "", ""})
        .add_field("retainKeysMergeItem", "mergingList", {PatchStrategy::kMerge, false, "name", "mergeItem"})
        .add_field("retainKeysMergeItem", "nonMergingList", {PatchStrategy::kDefault, false, "", "mergeItem"});
    return s;
  }();
  return schema;
}

}  // namespace patch_test
