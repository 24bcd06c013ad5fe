#pragma once
// ConfigMaps and secrets as the kubelet's volume and env code reads them: key to bytes,
// secrets' base64 decoded; a missing object is an error worded as upstream's
// watch-based managers word it (configmap "x" not found), or nothing when optional.

#include "kubelet/spec/spec.h"

#include <map>
#include <optional>
#include <string>

namespace kscratch::kubelet::spec {

using KeyValues = std::map<std::string, std::string>;

struct ObjectData {
  KeyValues data;         // configMap.data, or secret.data decoded
  KeyValues binary_data;  // configMap.binaryData decoded
};

ObjectData config_map_data(const json::object& config_map);
ObjectData secret_data(const json::object& secret);

// Fetches through source once per name for the lifetime of the cache (one container's or
// one pod's volumes), as upstream's per-call maps do.
class ObjectCache {
 public:
  ObjectCache(ObjectSource& source, std::string ns) : source_(source), ns_(std::move(ns)) {}

  // nullopt: absent and optional. An error when absent and not optional, or on failure.
  boost::asio::awaitable<Expected<std::optional<ObjectData>>> config_map(const std::string& name, bool optional);
  boost::asio::awaitable<Expected<std::optional<ObjectData>>> secret(const std::string& name, bool optional);

  const std::string& ns() const { return ns_; }

 private:
  // The fetched object, or nullopt when the API said NotFound.
  std::map<std::string, std::optional<ObjectData>> config_maps_, secrets_;
  ObjectSource& source_;
  std::string ns_;
};

}  // namespace kscratch::kubelet::spec
