// metadata.managedFields entries: decoding, upstream's order, and the manager name.

#include "fieldmanager.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <vector>

namespace kscratch::apiserver::fieldmanager {

namespace {

bool optional_string(const json::object& o, std::string_view key, std::string& out) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_string()) return false;
  out = std::string(v->get_string());
  return true;
}

}  // namespace

std::optional<ManagedFields> decode_managed_fields(const json::value& v) {
  if (!v.is_array()) return std::nullopt;
  ManagedFields out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) return std::nullopt;
    const auto& o = item.get_object();
    ManagedEntry e;
    std::string fields_type;
    if (!optional_string(o, "manager", e.manager) || !optional_string(o, "operation", e.operation) ||
        !optional_string(o, "apiVersion", e.api_version) || !optional_string(o, "time", e.time) ||
        !optional_string(o, "subresource", e.subresource) || !optional_string(o, "fieldsType", fields_type)) {
      return std::nullopt;
    }
    if (!fields_type.empty() && fields_type != "FieldsV1") return std::nullopt;
    if (const auto* f = o.if_contains("fieldsV1"); f && !f->is_null()) {
      if (!f->is_object()) return std::nullopt;
      if (!f->get_object().empty()) {
        auto set = FieldSet::from_fields_v1(*f);
        if (!set) return std::nullopt;
        e.fields = std::move(*set);
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

json::array encode_managed_fields(const ManagedFields& entries) {
  // Sorts pointers, so that no entry's field set is copied.
  std::vector<const ManagedEntry*> order;
  order.reserve(entries.size());
  for (const auto& e : entries) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const ManagedEntry* a, const ManagedEntry* b) {
    return std::tie(a->operation, a->time, a->manager, a->api_version, a->subresource) <
           std::tie(b->operation, b->time, b->manager, b->api_version, b->subresource);
  });
  json::array out;
  out.reserve(order.size());
  for (const ManagedEntry* e : order) {
    if (e->fields.empty()) continue;
    json::object o(7);
    o.emplace("manager", e->manager);
    o.emplace("operation", e->operation);
    o.emplace("apiVersion", e->api_version);
    if (!e->time.empty()) o.emplace("time", e->time);
    o.emplace("fieldsType", "FieldsV1");
    o.emplace("fieldsV1", e->fields.to_fields_v1());
    if (!e->subresource.empty()) o.emplace("subresource", e->subresource);
    out.push_back(std::move(o));
  }
  return out;
}

std::string manager_from_user_agent(std::string_view user_agent) {
  auto prefix = user_agent.substr(0, user_agent.find('/'));
  std::string out;
  for (char c : prefix) {
    // Upstream drops non-printable runes; bytes of multi-byte characters are kept.
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isprint(u)) continue;
    if (out.size() + 1 > kMaxManagerLength) break;
    out += c;
  }
  return out;
}

}  // namespace kscratch::apiserver::fieldmanager
