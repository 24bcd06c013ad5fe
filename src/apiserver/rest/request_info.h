#pragma once
// What a request path names, as upstream's RequestInfoFactory resolves it:
//   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
//   /apis/{group}/{version}/{resource}              (cluster-wide list/watch)

#include <optional>
#include <string>
#include <string_view>

namespace kscratch::apiserver::rest {

struct RequestInfo {
  std::string group;
  std::string version;
  std::string namespace_;  // empty for cluster-scoped or all-namespaces requests
  std::string resource;
  std::string name;
  std::string subresource;
};

// nullopt when the path is not a resource path (discovery, /version, ...).
std::optional<RequestInfo> parse_resource_path(std::string_view path);

}  // namespace kscratch::apiserver::rest
