// The files of configMap, secret and downwardAPI volumes (and of projected volumes'
// sources): configmap.MakePayload, secret.MakePayload and downwardapi.CollectData.

#include "kubelet/spec/json_util.h"
#include "kubelet/spec/volumes/volumes.h"

#include <fmt/format.h>

namespace kscratch::kubelet::spec::volumes {

namespace {

std::uint32_t item_mode(const json::object& item, std::uint32_t fallback) {
  auto mode = jsonu::opt_int(item, "mode");
  return mode ? static_cast<std::uint32_t>(*mode) : fallback;
}

// utilerrors.NewAggregate's text.
std::string aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors[0];
  std::string out = "[";
  for (std::size_t i = 0; i < errors.size(); ++i) out += (i ? ", " : "") + errors[i];
  return out + "]";
}

}  // namespace

std::uint32_t default_mode(const json::object& source) {
  return static_cast<std::uint32_t>(jsonu::opt_int(source, "defaultMode").value_or(0644));
}

Expected<Payload> config_map_payload(const json::array& items, const ObjectData& data, std::uint32_t mode,
                                     bool optional) {
  Payload payload;
  if (items.empty()) {
    for (const auto& [key, value] : data.data) payload[key] = {value, mode, std::nullopt};
    for (const auto& [key, value] : data.binary_data) payload[key] = {value, mode, std::nullopt};
    return payload;
  }
  for (const auto& i : items) {
    const auto& item = jsonu::as_obj(i);
    std::string key = jsonu::str(item, "key");
    const std::string* value = nullptr;
    if (auto it = data.data.find(key); it != data.data.end()) {
      value = &it->second;
    } else if (auto bit = data.binary_data.find(key); bit != data.binary_data.end()) {
      value = &bit->second;
    }
    if (value == nullptr) {
      if (optional) continue;
      return make_error(fmt::format("configmap references non-existent config key: {}", key));
    }
    payload[jsonu::str(item, "path")] = {*value, item_mode(item, mode), std::nullopt};
  }
  return payload;
}

Expected<Payload> secret_payload(const json::array& items, const ObjectData& data, std::uint32_t mode,
                                 bool optional) {
  Payload payload;
  if (items.empty()) {
    for (const auto& [key, value] : data.data) payload[key] = {value, mode, std::nullopt};
    return payload;
  }
  for (const auto& i : items) {
    const auto& item = jsonu::as_obj(i);
    std::string key = jsonu::str(item, "key");
    auto it = data.data.find(key);
    if (it == data.data.end()) {
      if (optional) continue;
      return make_error(fmt::format("references non-existent secret key: {}", key));
    }
    payload[jsonu::str(item, "path")] = {it->second, item_mode(item, mode), std::nullopt};
  }
  return payload;
}

Expected<Payload> downward_api_payload(const json::array& items, const json::object& pod,
                                       const PodPlacement& placement, std::uint32_t mode) {
  Payload payload;
  std::vector<std::string> errors;
  const auto& spec = jsonu::obj(pod, "spec");
  for (const auto& i : items) {
    const auto& item = jsonu::as_obj(i);
    FileProjection file{{}, item_mode(item, mode), std::nullopt};
    if (item.contains("fieldRef")) {
      auto value = pod_field_value(pod, jsonu::str(jsonu::obj(item, "fieldRef"), "fieldPath"), placement);
      if (value) {
        file.data = *value;
      } else {
        errors.push_back(value.error().message);
      }
    } else if (item.contains("resourceFieldRef")) {
      const auto& ref = jsonu::obj(item, "resourceFieldRef");
      std::string container_name = jsonu::str(ref, "containerName");
      const json::object* container = nullptr;
      for (const char* list : {"containers", "initContainers"}) {
        for (const auto& c : jsonu::arr(spec, list)) {
          if (container == nullptr && jsonu::str(jsonu::as_obj(c), "name") == container_name) {
            container = &jsonu::as_obj(c);
          }
        }
      }
      if (container == nullptr) {
        errors.push_back(fmt::format("container {} not found", container_name));
      } else {
        auto value = container_resource_value(*container, jsonu::str(ref, "resource"), jsonu::str(ref, "divisor"),
                                              node_allocatable());
        if (value) {
          file.data = *value;
        } else {
          errors.push_back(value.error().message);
        }
      }
    }
    // Upstream cleans the path here (filepath.Clean); the atomic writer cleans it too.
    payload[jsonu::str(item, "path")] = file;
  }
  if (!errors.empty()) return make_error(aggregate(errors));
  return payload;
}

}  // namespace kscratch::kubelet::spec::volumes
