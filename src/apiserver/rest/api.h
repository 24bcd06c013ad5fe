#pragma once
// The REST layer of kube-apiserver over the store: one generic set of handlers serves
// every kind in the registry (create, get, list, watch, update, patch, delete,
// deletecollection, and the status and scale subresources), plus discovery, OpenAPI,
// /version and the health checks.

#include "../http/http.h"
#include "../proxy/kubelet_client.h"
#include "errors.h"
#include "namespace_cache.h"
#include "objects.h"
#include "request_info.h"
#include "services.h"
#include "watch_encoding.h"

#include "kscratch/store/store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <variant>

namespace kscratch::apiserver::rest {

namespace asio = boost::asio;

struct ApiConfig {
  std::string git_version;        // "v1.32.0+kscratch"
  std::string server_address;     // "127.0.0.1:6443", for /api's serverAddressByClientCIDRs
  std::string kubelet_client_cert_file;  // pods/log and pods/exec reach kubelets with it
  std::string kubelet_client_key_file;
  std::string ca_bundle_pem;  // served at /cacerts, where joining agents fetch it (as k3s)
  int default_not_ready_toleration_seconds = 300;  // DefaultTolerationSeconds admission
  int default_unreachable_toleration_seconds = 300;
};

struct Reply {
  int code = 200;
  json::value body;
  std::vector<std::pair<std::string, std::string>> headers;
};
using Outcome = std::variant<Reply, ApiError>;

class Api : public http::Handler {
 public:
  Api(std::shared_ptr<store::Store> store, ApiConfig config);

  asio::awaitable<void> handle(http::Request& request, http::Responder& responder) override;

  // Creates the namespaces every cluster has (default, kube-system, kube-public,
  // kube-node-lease) when they are missing; ready() is true afterwards.
  asio::awaitable<void> ensure_defaults();
  asio::awaitable<void> ensure_kubernetes_service();
  bool ready() const { return ready_; }
  // Keeps the namespace cache of NamespaceLifecycle admission and the Service address
  // cache current until the store closes.
  asio::awaitable<void> run_caches();

 private:
  std::optional<http::Response> serve_static(const http::Request& req) const;
  asio::awaitable<void> serve_resource(const Resource& r, const RequestInfo& info, http::Request& req,
                                       http::Responder& out);

  // crud.cc
  asio::awaitable<Outcome> get(const Resource& r, const RequestInfo& info);
  asio::awaitable<Outcome> create(const Resource& r, const RequestInfo& info, const http::Request& req);
  // Creates a decoded object; `manager` (nullptr when an apply already set managedFields)
  // becomes the owner of its fields.
  asio::awaitable<Outcome> create_object(const Resource& r, const RequestInfo& info, const http::Request& req,
                                         json::object& object, const std::string* manager,
                                         std::vector<std::pair<std::string, std::string>>& warnings);
  asio::awaitable<Outcome> bind(const Resource& r, const RequestInfo& info, const http::Request& req);
  // pods/eviction (policy/v1 Eviction): a delete with the eviction's DeleteOptions.
  asio::awaitable<Outcome> evict(const Resource& r, const RequestInfo& info, const http::Request& req);
  asio::awaitable<Outcome> update(const Resource& r, const RequestInfo& info, const http::Request& req);
  asio::awaitable<Outcome> patch(const Resource& r, const RequestInfo& info, const http::Request& req);
  asio::awaitable<Outcome> server_side_apply(const Resource& r, const RequestInfo& info, const http::Request& req,
                                             const json::value& config, const std::string& manager);
  asio::awaitable<Outcome> remove(const Resource& r, const RequestInfo& info, const http::Request& req);
  // Reads, changes and writes back one object with compare-and-swap, retrying on
  // conflicts when the caller did not pin a resourceVersion (GuaranteedUpdate).
  using Mutation = std::function<std::variant<json::object, ApiError>(const json::object& current)>;
  asio::awaitable<Outcome> guaranteed_update(const Resource& r, const RequestInfo& info, const Mutation& mutate,
                                             bool dry_run);

  // list.cc
  asio::awaitable<Outcome> list(const Resource& r, const RequestInfo& info, const http::Request& req);
  asio::awaitable<Outcome> delete_collection(const Resource& r, const RequestInfo& info, const http::Request& req);

  // watch.cc
  asio::awaitable<void> watch(const Resource& r, const RequestInfo& info, const http::Request& req,
                              http::Responder& out);

  // pod_proxy.cc: pods/log and pods/exec, forwarded to the kubelet of the pod's node.
  struct KubeletTarget {
    proxy::KubeletEndpoint endpoint;
    std::string container;
    json::object pod;
  };
  asio::awaitable<std::variant<KubeletTarget, ApiError>> locate_container(const Resource& r, const RequestInfo& info,
                                                                          const http::Request& req);
  asio::awaitable<void> serve_pod_proxy(const Resource& r, const RequestInfo& info, http::Request& req,
                                        http::Responder& out);

  // services.cc: addresses held by stored Services and by creates still in flight.
  asio::awaitable<ServiceAllocations> service_allocations();

  std::shared_ptr<store::Store> store_;
  ApiConfig config_;
  bool ready_ = false;
  ServiceAllocations in_flight_;
  NamespaceCache namespace_cache_;
  WatchEncoding watch_encoding_;
  ServiceAllocationCache service_cache_;
};

// discovery.cc
json::object api_versions(const ApiConfig& config);
json::object api_group_list();
std::optional<json::object> api_resource_list(std::string_view group, std::string_view version);
std::optional<json::object> api_group(std::string_view group);
// Aggregated discovery (/api and /apis in one document each), when Accept asks for it:
// the apidiscovery.k8s.io version to answer with ("v2" or "v2beta1").
std::optional<std::string> aggregated_discovery_version(const std::string& accept);
json::object aggregated_discovery(bool legacy, const std::string& version);

// openapi.cc
json::object openapi_index();
std::optional<json::object> openapi_document(std::string_view group_version);

// table.cc
bool wants_table(const http::Request& req);
json::object to_table(const Resource& r, const std::vector<json::object>& objects, const std::string& resource_version,
                      const std::string& continue_token, bool include_columns = true);

// selection.cc: label and field selectors over objects.
struct Selection;
std::variant<std::shared_ptr<Selection>, ApiError> parse_selection(const Resource& r, const http::Request& req);
bool matches(const Selection& s, const json::object& object);
// No label or field selector: every object matches.
bool selects_everything(const Selection& s);

// Helpers shared by the handlers.
http::Response error_response(const ApiError& e);
std::string name_of(const json::object& o);
std::string namespace_of(const json::object& o);

}  // namespace kscratch::apiserver::rest
