#include "last_applied.h"

#include "typed.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace kscratch::apiserver::fieldmanager {

namespace {

json::object* annotations_of(json::object& o) {
  auto* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) return nullptr;
  auto* annotations = meta->get_object().if_contains("annotations");
  return annotations && annotations->is_object() ? &annotations->get_object() : nullptr;
}

// Go encodes maps with their keys sorted.
json::value sorted(const json::value& v) {
  if (v.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, child] : v.get_object()) keys.emplace_back(k);
    std::sort(keys.begin(), keys.end());
    json::object out;
    for (const auto& k : keys) out[k] = sorted(v.get_object().at(k));
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const auto& item : v.get_array()) out.push_back(sorted(item));
    return out;
  }
  return v;
}

}  // namespace

FieldSet fields_from_last_applied(const Shape& shape, const json::object& live) {
  json::object copy = live;
  auto* annotations = annotations_of(copy);
  if (!annotations) return {};
  const auto* text = annotations->if_contains(kLastAppliedAnnotation);
  if (!text || !text->is_string() || text->get_string().empty()) return {};
  boost::system::error_code ec;
  auto last = json::parse(text->get_string(), ec);
  if (ec || !last.is_object()) return {};
  auto set = fields_of(shape, last.get_object());
  if (!set) return {};
  // Fields whose live value differs from the last-applied one are not client-side apply's.
  auto diff = compare(shape, last.get_object(), live);
  return set->subtract(diff.modified).subtract(diff.added).subtract(diff.removed);
}

void update_last_applied(json::object& object, const json::object& config) {
  auto* annotations = annotations_of(object);
  if (!annotations || !annotations->contains(kLastAppliedAnnotation)) return;
  json::object applied = config;
  if (auto* a = annotations_of(applied)) {
    a->erase(kLastAppliedAnnotation);
  }
  (*annotations)[kLastAppliedAnnotation] = json::serialize(sorted(applied)) + "\n";
}

}  // namespace kscratch::apiserver::fieldmanager
