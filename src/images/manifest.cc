#include "manifest.h"

#include "digest.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace kscratch::images {

namespace json = boost::json;

namespace {

std::string str_at(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> strings_at(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (auto* v = o.if_contains(key); v && v->is_array()) {
    for (auto& e : v->as_array()) {
      if (e.is_string()) out.emplace_back(e.as_string());
    }
  }
  return out;
}

Expected<Descriptor> parse_descriptor(const json::value& v, std::string_view where) {
  if (!v.is_object()) return make_error(fmt::format("{}: descriptor is not an object", where));
  auto& o = v.as_object();
  Descriptor d;
  d.media_type = str_at(o, "mediaType");
  d.digest = str_at(o, "digest");
  if (!is_sha256_digest(d.digest)) return make_error(fmt::format("{}: unsupported digest \"{}\"", where, d.digest));
  if (auto* s = o.if_contains("size"); s && s->is_number()) d.size = s->to_number<std::int64_t>();
  if (auto* p = o.if_contains("platform"); p && p->is_object()) {
    d.os = str_at(p->as_object(), "os");
    d.architecture = str_at(p->as_object(), "architecture");
    d.variant = str_at(p->as_object(), "variant");
  }
  if (auto* a = o.if_contains("annotations"); a && a->is_object()) {
    for (auto& [k, val] : a->as_object()) {
      if (val.is_string()) d.annotations[std::string(k)] = std::string(val.as_string());
    }
  }
  return d;
}

}  // namespace

Expected<Manifest> parse_manifest(std::string_view body, std::string_view content_type) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return make_error("manifest is not a JSON object");
  auto& o = v.as_object();
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type.empty() || type == "application/json" || type == "application/octet-stream") type = str_at(o, "mediaType");
  Manifest m;
  if (type.empty()) type = o.contains("manifests") ? kOciIndex : kOciManifest;
  if (type == kOciIndex || type == kDockerList) {
    m.is_index = true;
    auto* list = o.if_contains("manifests");
    if (!list || !list->is_array()) return make_error("index has no manifests");
    for (auto& e : list->as_array()) {
      auto d = parse_descriptor(e, "index entry");
      if (!d) return make_error(d.error().message);
      m.manifests.push_back(std::move(*d));
    }
    return m;
  }
  if (type != kOciManifest && type != kDockerManifest) {
    return make_error(fmt::format("unsupported manifest type \"{}\" (schema 1 images are not supported)", type));
  }
  auto* config = o.if_contains("config");
  if (!config) return make_error("manifest has no config");
  auto c = parse_descriptor(*config, "manifest config");
  if (!c) return make_error(c.error().message);
  m.config = std::move(*c);
  if (auto* layers = o.if_contains("layers"); layers && layers->is_array()) {
    for (auto& e : layers->as_array()) {
      auto d = parse_descriptor(e, "manifest layer");
      if (!d) return make_error(d.error().message);
      m.layers.push_back(std::move(*d));
    }
  }
  return m;
}

Expected<Descriptor> select_platform(const Manifest& index) {
  const Descriptor* any = nullptr;
  for (auto& d : index.manifests) {
    if (d.os != "linux" || d.architecture != "amd64") continue;
    // Plain amd64 (or v1) before microarchitecture levels this CPU might lack.
    if (d.variant.empty() || d.variant == "v1") return d;
    if (!any) any = &d;
  }
  if (any) return *any;
  std::string have;
  for (auto& d : index.manifests) {
    if (!have.empty()) have += ", ";
    have += d.os + "/" + d.architecture + (d.variant.empty() ? "" : "/" + d.variant);
  }
  return make_error(fmt::format("no linux/amd64 image in the index (it has: {})", have.empty() ? "nothing" : have));
}

Expected<ParsedConfig> parse_image_config(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return make_error("image config is not a JSON object");
  auto& o = v.as_object();
  ParsedConfig out;
  out.os = str_at(o, "os");
  out.architecture = str_at(o, "architecture");
  if (auto* c = o.if_contains("config"); c && c->is_object()) {
    auto& co = c->as_object();
    out.config.entrypoint = strings_at(co, "Entrypoint");
    out.config.cmd = strings_at(co, "Cmd");
    out.config.env = strings_at(co, "Env");
    out.config.working_dir = str_at(co, "WorkingDir");
    out.config.user = str_at(co, "User");
    if (auto* l = co.if_contains("Labels"); l && l->is_object()) {
      for (auto& [k, val] : l->as_object()) {
        if (val.is_string()) out.config.labels[std::string(k)] = std::string(val.as_string());
      }
    }
  }
  auto* rootfs = o.if_contains("rootfs");
  if (!rootfs || !rootfs->is_object()) return make_error("image config has no rootfs");
  out.diff_ids = strings_at(rootfs->as_object(), "diff_ids");
  for (auto& d : out.diff_ids) {
    if (!is_sha256_digest(d)) return make_error(fmt::format("image config: unsupported diff_id \"{}\"", d));
  }
  return out;
}

}  // namespace kscratch::images
