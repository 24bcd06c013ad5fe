#pragma once
// What the server serves, as kubectl's discovery client and REST mapper see it: every
// resource of every group-version the server lists (aggregated discovery, or the legacy
// documents when the server has no aggregated form), cached on disk for six hours under
// <cache-dir>/discovery/<host_port>/ as kubectl does (in a file of our own beside
// kubectl's), and resolved from what users type: plural, singular, short name or kind,
// optionally qualified as `deployments.apps` or `deployments.v1.apps`; categories such as
// `all`. No kind is hard-coded.

#include "kscratch/client/client.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::kubectl {

class Rest;

struct ApiResource {
  std::string group, version;
  std::string name;  // plural, the path segment
  std::string singular, kind;
  bool namespaced = true;
  bool preferred = true;  // the group's preferred version
  std::vector<std::string> verbs, short_names, categories;

  client::Kind rest_kind() const { return {group, version, name, namespaced}; }
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "deployment.apps", "pod": how -o name and kubectl's messages name the kind.
  std::string kind_prefix() const;
  // "deployments.apps", "pods": how errors name the resource.
  std::string group_resource() const;
  bool has_verb(std::string_view verb) const;
};

boost::json::object to_json(const ApiResource& r);
ApiResource resource_from_json(const boost::json::object& o);

// Parses a discovery answer: an APIGroupDiscoveryList (aggregated) into resources, in
// order, the first version of each group preferred.
std::vector<ApiResource> parse_aggregated(const boost::json::object& list);
// A legacy APIResourceList of one group-version.
std::vector<ApiResource> parse_resource_list(const boost::json::object& list, bool preferred);

// The kubectl cache directory for a server: "https://127.0.0.1:6443" under
// ~/.kube/cache gives ~/.kube/cache/discovery/127.0.0.1_6443.
std::filesystem::path discovery_cache_dir(const std::filesystem::path& cache_root, const std::string& server);

class Discovery {
 public:
  // Resources come from the cache when it is fresh, else from the server (and are cached).
  Discovery(Rest& rest, std::filesystem::path cache_dir);
  explicit Discovery(std::vector<ApiResource> resources);  // tests

  // The resource a user's word names; refreshes from the server once when it names none.
  std::optional<ApiResource> find(std::string_view word);
  // The resource for an object's apiVersion and kind (manifests).
  std::optional<ApiResource> find_kind(std::string_view api_version, std::string_view kind);
  // The resources in a category, in discovery order (`all`).
  std::vector<ApiResource> category(std::string_view name);
  // Every resource (subresources excluded), every version.
  const std::vector<ApiResource>& resources();
  // Drops the cache and asks the server (api-resources does this).
  void refresh();
  // The server could not be asked; the message kubectl prints.
  const std::string& error() const { return error_; }

 private:
  std::optional<ApiResource> match(std::string_view word) const;
  void load();
  bool fetch();

  Rest* rest_ = nullptr;
  std::filesystem::path cache_dir_;
  std::vector<ApiResource> resources_;
  bool loaded_ = false;
  bool fresh_ = false;  // fetched from the server in this process
  std::string error_;
};

}  // namespace kscratch::kubectl
