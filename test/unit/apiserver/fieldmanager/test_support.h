#pragma once
// A Deployment scope and small JSON helpers for the field manager's tests.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fieldmanager.h"

#include "kscratch/apimachinery/patch.h"

namespace fm_test {

namespace json = boost::json;
using namespace kscratch::apiserver::fieldmanager;

inline Scope configmap_scope() {
  Scope s;
  s.schema = &kscratch::apimachinery::builtin_patch_schema("", "ConfigMap");
  s.api_version = "v1";
  s.kind = "ConfigMap";
  return s;
}

inline Scope pod_scope(std::string subresource = "") {
  Scope s;
  s.schema = &kscratch::apimachinery::builtin_patch_schema("", "Pod");
  s.api_version = "v1";
  s.kind = "Pod";
  s.subresource = std::move(subresource);
  s.status_subresource = true;
  return s;
}

inline Scope deployment_scope(std::string subresource = "") {
  Scope s;
  s.schema = &kscratch::apimachinery::builtin_patch_schema("apps", "Deployment");
  s.api_version = "apps/v1";
  s.kind = "Deployment";
  s.subresource = std::move(subresource);
  s.status_subresource = true;
  return s;
}

inline json::object obj(const char* text) { return json::parse(text).as_object(); }

// The managedFields entries of `o`, as "manager/operation[/subresource]: FieldsV1" lines.
inline std::vector<std::string> entries(const json::object& o) {
  std::vector<std::string> out;
  const auto* meta = o.if_contains("metadata");
  if (!meta) return out;
  const auto* mf = meta->as_object().if_contains("managedFields");
  if (!mf) return out;
  for (const auto& e : mf->as_array()) {
    const auto& eo = e.as_object();
    std::string line = std::string(eo.at("manager").as_string()) + "/" + std::string(eo.at("operation").as_string());
    if (const auto* sub = eo.if_contains("subresource")) line += "/" + std::string(sub->as_string());
    line += ": " + json::serialize(eo.at("fieldsV1"));
    out.push_back(line);
  }
  return out;
}

inline const json::value* at(const json::object& o, std::initializer_list<const char*> path) {
  const json::value* v = nullptr;
  const json::object* cur = &o;
  for (const char* p : path) {
    if (!cur) return nullptr;
    v = cur->if_contains(p);
    if (!v) return nullptr;
    cur = v->is_object() ? &v->get_object() : nullptr;
  }
  return v;
}

// A stored Deployment (it has a uid) written by `manager` with a client-side create.
inline json::object created_by(const char* manager, const char* text) {
  auto o = obj(text);
  track_update(deployment_scope(), nullptr, o, manager, "2024-01-01T00:00:00Z");
  o["metadata"].as_object()["uid"] = "u-1";
  return o;
}

}  // namespace fm_test
