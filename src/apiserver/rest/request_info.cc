#include "request_info.h"

#include <vector>

namespace kscratch::apiserver::rest {

std::optional<RequestInfo> parse_resource_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  RequestInfo info;
  std::size_t i = 0;
  if (parts.size() >= 3 && parts[0] == "api") {
    info.version = parts[1];
    i = 2;
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  // "namespaces/{ns}/{resource}..." is a namespaced request; "namespaces" alone or
  // "namespaces/{name}[/{subresource}]" addresses Namespace objects themselves.
  if (parts[i] == "namespaces" && parts.size() - i >= 3) {
    info.namespace_ = parts[i + 1];
    i += 2;
    // "namespaces/{name}/status|finalize" addresses a Namespace's subresource.
    if (parts.size() - i == 1 && (parts[i] == "status" || parts[i] == "finalize")) {
      info.resource = "namespaces";
      info.name = info.namespace_;
      info.namespace_.clear();
      info.subresource = parts[i];
      return info;
    }
  }
  if (i >= parts.size()) return std::nullopt;
  info.resource = parts[i++];
  if (i < parts.size()) info.name = parts[i++];
  if (i < parts.size()) info.subresource = parts[i++];
  if (i < parts.size()) return std::nullopt;
  return info;
}

}  // namespace kscratch::apiserver::rest
