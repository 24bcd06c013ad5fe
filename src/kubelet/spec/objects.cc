// ConfigMap and secret lookups for env and volumes.

#include "kubelet/spec/objects.h"

#include "kscratch/apimachinery/base64.h"
#include "kubelet/spec/json_util.h"

#include <fmt/format.h>

namespace kscratch::kubelet::spec {

namespace {

KeyValues string_map(const json::object& o) {
  KeyValues out;
  for (const auto& kv : o) out.emplace(std::string(kv.key()), jsonu::as_str(kv.value()));
  return out;
}

KeyValues decoded_map(const json::object& o) {
  KeyValues out;
  for (const auto& kv : o) {
    // The apiserver validated the encoding; an undecodable value is kept as sent rather
    // than silently dropping a key.
    std::string text = jsonu::as_str(kv.value());
    auto bytes = apimachinery::base64_decode(text);
    out.emplace(std::string(kv.key()), bytes ? *bytes : text);
  }
  return out;
}

// kind is "configmap" or "secret": upstream's managers name the resource in the singular.
Expected<std::optional<ObjectData>> finish(const std::optional<ObjectData>& found, const std::string& kind,
                                           const std::string& name, bool optional) {
  if (found) return std::optional<ObjectData>(*found);
  if (optional) return std::optional<ObjectData>();
  return make_error(fmt::format("{} \"{}\" not found", kind, name));
}

}  // namespace

ObjectData config_map_data(const json::object& config_map) {
  return {string_map(jsonu::obj(config_map, "data")), decoded_map(jsonu::obj(config_map, "binaryData"))};
}

ObjectData secret_data(const json::object& secret) {
  ObjectData out{decoded_map(jsonu::obj(secret, "data")), {}};
  // stringData is write-only and merged by the apiserver; honour it if an object still has it.
  for (auto& [k, v] : string_map(jsonu::obj(secret, "stringData"))) out.data[k] = v;
  return out;
}

boost::asio::awaitable<Expected<std::optional<ObjectData>>> ObjectCache::config_map(const std::string& name,
                                                                                     bool optional) {
  auto it = config_maps_.find(name);
  if (it == config_maps_.end()) {
    auto got = co_await source_.config_map(ns_, name);
    if (!got) {
      if (!got.error().not_found()) {
        co_return make_error(fmt::format("couldn't get configMap {}/{}: {}", ns_, name, got.error().message));
      }
      it = config_maps_.emplace(name, std::nullopt).first;
    } else {
      it = config_maps_.emplace(name, config_map_data(*got)).first;
    }
  }
  co_return finish(it->second, "configmap", name, optional);
}

boost::asio::awaitable<Expected<std::optional<ObjectData>>> ObjectCache::secret(const std::string& name,
                                                                                 bool optional) {
  auto it = secrets_.find(name);
  if (it == secrets_.end()) {
    auto got = co_await source_.secret(ns_, name);
    if (!got) {
      if (!got.error().not_found()) {
        co_return make_error(fmt::format("couldn't get secret {}/{}: {}", ns_, name, got.error().message));
      }
      it = secrets_.emplace(name, std::nullopt).first;
    } else {
      it = secrets_.emplace(name, secret_data(*got)).first;
    }
  }
  co_return finish(it->second, "secret", name, optional);
}

}  // namespace kscratch::kubelet::spec
