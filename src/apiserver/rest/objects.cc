#include "objects.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/apimachinery/yaml.h"
#include "kscratch/apiserver/schema.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <random>

namespace kscratch::apiserver::rest {

namespace {
constexpr std::size_t kMaxDepth = 100;
}

std::variant<json::value, ApiError> decode_body(const std::string& body, const std::string& content_type) {
  // kubectl's typed commands (create namespace, create deployment, ...) send protobuf.
  if (content_type.find(apiserver::schema::kProtobufContentType) != std::string::npos) {
    auto v = apiserver::schema::decode_protobuf(body);
    if (!v) return bad_request(v.error().message);
    return std::move(*v);
  }
  if (content_type.find("yaml") != std::string::npos) {
    auto v = apimachinery::yaml::to_json(body);
    if (!v) return bad_request(v.error().message);
    return std::move(*v);
  }
  json::parse_options opts;
  opts.max_depth = kMaxDepth;
  boost::system::error_code ec;
  json::storage_ptr sp;
  auto v = json::parse(body, ec, sp, opts);
  if (ec) return bad_request(fmt::format("error decoding request body: {}", ec.message()));
  return v;
}

const json::value* find_path(const json::object& o, std::string_view dotted) {
  const json::object* cur = &o;
  while (true) {
    auto dot = dotted.find('.');
    auto key = dotted.substr(0, dot);
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    if (dot == std::string_view::npos) return &it->value();
    if (!it->value().is_object()) return nullptr;
    cur = &it->value().get_object();
    dotted = dotted.substr(dot + 1);
  }
}

std::string string_at(const json::object& o, std::string_view dotted) {
  auto* v = find_path(o, dotted);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::object& child_object(json::object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

std::string new_uid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  auto a = rng(), b = rng();
  // RFC 4122 version 4 layout.
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                     b & 0xffffffffffffULL);
}

std::string now_rfc3339() { return apimachinery::duration::format_rfc3339(std::chrono::system_clock::now()); }

std::string key_prefix(const Resource& r, const std::string& namespace_) {
  auto base = fmt::format("/registry/{}/{}/", r.group.empty() ? "core" : r.group, r.plural);
  if (r.namespaced && !namespace_.empty()) base += namespace_ + "/";
  return base;
}

std::string object_key(const Resource& r, const std::string& namespace_, const std::string& name) {
  return key_prefix(r, namespace_) + name;
}

std::string to_stored(json::object object) {
  auto it = object.find("metadata");
  if (it != object.end() && it->value().is_object()) it->value().get_object().erase("resourceVersion");
  return json::serialize(object);
}

std::optional<json::object> from_stored(const std::string& value, store::Revision mod_revision) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = kMaxDepth;
  json::storage_ptr sp;
  auto v = json::parse(value, ec, sp, opts);
  if (ec || !v.is_object()) return std::nullopt;
  auto& o = v.get_object();
  child_object(o, "metadata")["resourceVersion"] = std::to_string(mod_revision);
  return std::move(o);
}

std::string serialize(const json::value& v) { return json::serialize(v); }

}  // namespace kscratch::apiserver::rest
