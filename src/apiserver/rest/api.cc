#include "api.h"

#include "kscratch/runtime/together.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>

namespace kscratch::apiserver::rest {

namespace {

constexpr std::string_view kLog = "apiserver";

http::Response json_response(int code, const json::value& body, std::string content_type = "application/json") {
  return {code, std::move(content_type), serialize(body), {}};
}

const Resource* resource_for(const RequestInfo& info) {
  return find_resource(info.group, info.version, info.resource);
}

}  // namespace

http::Response error_response(const ApiError& e) { return json_response(e.code, status_object(e)); }

std::string name_of(const json::object& o) { return string_at(o, "metadata.name"); }
std::string namespace_of(const json::object& o) { return string_at(o, "metadata.namespace"); }

Api::Api(std::shared_ptr<store::Store> store, ApiConfig config) : store_(std::move(store)), config_(std::move(config)) {}

// The endpoints that are not resources: version, health, discovery, OpenAPI.
std::optional<http::Response> Api::serve_static(const http::Request& req) const {
  const auto& path = req.path;
  if (path == "/version") {
    json::object v{{"major", "1"},
                   {"minor", "32"},
                   {"gitVersion", config_.git_version},
                   {"gitCommit", "0000000000000000000000000000000000000000"},
                   {"gitTreeState", "clean"},
                   {"buildDate", "2026-01-01T00:00:00Z"},
                   {"goVersion", "go1.23.0"},
                   {"compiler", "gc"},
                   {"platform", "linux/amd64"}};
    return json_response(200, v);
  }
  if (path == "/cacerts" && !config_.ca_bundle_pem.empty()) {
    return http::Response{200, "text/plain; charset=utf-8", config_.ca_bundle_pem, {}};
  }
  if (path == "/healthz" || path == "/livez" || path == "/readyz") {
    bool ok = path == "/livez" || ready_;
    return http::Response{ok ? 200 : 500, "text/plain; charset=utf-8", ok ? "ok" : "not ready", {}};
  }
  bool legacy = path == "/api" || path == "/api/";
  if (legacy || path == "/apis" || path == "/apis/") {
    if (auto version = aggregated_discovery_version(req.header("accept"))) {
      return json_response(200, aggregated_discovery(legacy, *version),
                           "application/json;g=apidiscovery.k8s.io;v=" + *version + ";as=APIGroupDiscoveryList");
    }
    return json_response(200, legacy ? api_versions(config_) : api_group_list());
  }
  if (path == "/api/v1" || path == "/api/v1/") return json_response(200, *api_resource_list("", "v1"));
  if (path == "/openapi/v3") return json_response(200, openapi_index());
  if (path.rfind("/openapi/v3/", 0) == 0) {
    auto doc = openapi_document(std::string_view(path).substr(12));
    return doc ? json_response(200, *doc) : error_response(path_not_found());
  }
  if (path.rfind("/apis/", 0) == 0) {
    // /apis/<group> and /apis/<group>/<version> are discovery documents.
    auto rest = std::string_view(path).substr(6);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
      auto group = api_group(rest);
      return group ? json_response(200, *group) : error_response(path_not_found());
    }
    if (rest.find('/', slash + 1) == std::string_view::npos) {
      auto list = api_resource_list(rest.substr(0, slash), rest.substr(slash + 1));
      return list ? json_response(200, *list) : error_response(path_not_found());
    }
  }
  return std::nullopt;
}

asio::awaitable<void> Api::handle(http::Request& req, http::Responder& out) {
  log::trace(kLog, "{} {} ({})", req.method, req.path, req.user);
  if (auto res = serve_static(req)) {
    co_await out.send(*res);
    co_return;
  }
  auto info = parse_resource_path(req.path);
  const Resource* r = info ? resource_for(*info) : nullptr;
  if (!r) {
    auto res = error_response(path_not_found());
    co_await out.send(res);
    co_return;
  }
  co_await serve_resource(*r, *info, req, out);
}

asio::awaitable<void> Api::serve_resource(const Resource& r, const RequestInfo& info, http::Request& req,
                                          http::Responder& out) {
  const auto& m = req.method;
  bool collection = info.name.empty();
  if (!info.subresource.empty()) {
    bool known = false;
    for (auto& s : r.subresources) known = known || s == info.subresource;
    if (!known || collection) {
      auto res = error_response(path_not_found());
      co_await out.send(res);
      co_return;
    }
  }
  if (info.subresource == "log" || info.subresource == "exec") {
    co_await serve_pod_proxy(r, info, req, out);
    co_return;
  }
  if (!r.namespaced && !info.namespace_.empty()) {
    auto res = error_response(path_not_found());
    co_await out.send(res);
    co_return;
  }
  if (collection && m == "GET" && (req.param("watch") == "true" || req.param("watch") == "1")) {
    co_await watch(r, info, req, out);
    co_return;
  }
  Outcome outcome = ApiError{};
  if (collection) {
    if (m == "GET") outcome = co_await list(r, info, req);
    else if (m == "POST") outcome = co_await create(r, info, req);
    else if (m == "DELETE") outcome = co_await delete_collection(r, info, req);
    else outcome = method_not_supported(m, &r);
  } else {
    if (m == "GET") outcome = co_await get(r, info);
    else if (m == "PUT") outcome = co_await update(r, info, req);
    else if (m == "PATCH") outcome = co_await patch(r, info, req);
    else if (m == "DELETE") outcome = co_await remove(r, info, req);
    else if (m == "POST" && info.subresource == "binding") outcome = co_await bind(r, info, req);
    else if (m == "POST" && info.subresource == "eviction") outcome = co_await evict(r, info, req);
    else outcome = method_not_supported(m, &r);
  }
  if (auto* e = std::get_if<ApiError>(&outcome)) {
    auto res = error_response(*e);
    co_await out.send(res);
    co_return;
  }
  auto& reply = std::get<Reply>(outcome);
  // A single object asked for as a Table (kubectl get NAME) gets a one-row Table.
  if (m == "GET" && !collection && info.subresource.empty() && wants_table(req) && reply.body.is_object()) {
    auto obj = reply.body.get_object();
    auto rv = string_at(obj, "metadata.resourceVersion");
    // NOTE: built outside the co_await: g++ 12 rejects string literals converted to
    // std::string arguments inside a co_await expression ("array used as initializer").
    std::string table_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
    http::Response res = json_response(200, to_table(r, {obj}, rv, ""), table_type);
    co_await out.send(res);
    co_return;
  }
  http::Response res;
  res.status = reply.code;
  if (reply.body.is_object() && reply.body.get_object().contains("columnDefinitions")) {
    res.content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
  }
  // Serialized by the transport (off the loop, for HTTPS clients).
  res.json = std::make_shared<const json::value>(std::move(reply.body));
  res.headers = std::move(reply.headers);
  co_await out.send(res);
}

asio::awaitable<void> Api::ensure_defaults() {
  const Resource* ns = find_resource("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    auto key = object_key(*ns, "", name);
    auto existing = co_await store_->get(key);
    if (existing) continue;
    json::object o{{"apiVersion", "v1"},
                   {"kind", "Namespace"},
                   {"metadata", json::object{{"name", name}, {"uid", new_uid()}, {"creationTimestamp", now_rfc3339()},
                                             {"labels", json::object{{"kubernetes.io/metadata.name", name}}}}},
                   {"spec", json::object{{"finalizers", json::array{"kubernetes"}}}},
                   {"status", json::object{{"phase", "Active"}}}};
    auto created = co_await store_->create(key, to_stored(std::move(o)));
    if (!created && created.error() != store::Errc::already_exists) {
      throw std::runtime_error(fmt::format("cannot create namespace {}: {}", name, created.error().message()));
    }
  }
  co_await ensure_kubernetes_service();
  ready_ = true;
}

// The `kubernetes` Service in default, at the first service IP, pointing at this server,
// as upstream's apiserver maintains it.
asio::awaitable<void> Api::run_caches() {
  std::vector<asio::awaitable<void>> tasks;
  tasks.push_back(namespace_cache_.run(*store_, key_prefix(*find_resource("", "v1", "namespaces"), "")));
  tasks.push_back(service_cache_.run(*store_, key_prefix(*find_resource("", "v1", "services"), "")));
  co_await runtime::run_together(std::move(tasks));
}

asio::awaitable<void> Api::ensure_kubernetes_service() {
  auto host = config_.server_address.substr(0, config_.server_address.rfind(':'));
  auto port_text = config_.server_address.substr(config_.server_address.rfind(':') + 1);
  std::int64_t port = 6443;
  try {
    port = std::stoll(port_text);
  } catch (...) {
  }
  const Resource* svc = find_resource("", "v1", "services");
  auto key = object_key(*svc, "default", "kubernetes");
  if (!(co_await store_->get(key))) {
    json::object o{{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", json::object{{"name", "kubernetes"}, {"namespace", "default"}, {"uid", new_uid()},
                                             {"creationTimestamp", now_rfc3339()},
                                             {"labels", json::object{{"component", "apiserver"}, {"provider", "kubernetes"}}}}},
                   {"spec", json::object{{"clusterIP", "10.43.0.1"},
                                         {"clusterIPs", json::array{"10.43.0.1"}},
                                         {"internalTrafficPolicy", "Cluster"},
                                         {"ipFamilies", json::array{"IPv4"}},
                                         {"ipFamilyPolicy", "SingleStack"},
                                         {"ports", json::array{json::object{{"name", "https"}, {"port", 443}, {"protocol", "TCP"}, {"targetPort", port}}}},
                                         {"sessionAffinity", "None"},
                                         {"type", "ClusterIP"}}},
                   {"status", json::object{{"loadBalancer", json::object()}}}};
    co_await store_->create(key, to_stored(std::move(o)));
  }
  const Resource* ep = find_resource("", "v1", "endpoints");
  auto ep_key = object_key(*ep, "default", "kubernetes");
  json::object endpoints{{"apiVersion", "v1"},
                         {"kind", "Endpoints"},
                         {"metadata", json::object{{"name", "kubernetes"}, {"namespace", "default"}, {"uid", new_uid()},
                                                   {"creationTimestamp", now_rfc3339()},
                                                   {"labels", json::object{{"endpointslice.kubernetes.io/skip-mirror", "true"}}}}},
                         {"subsets", json::array{json::object{
                                         {"addresses", json::array{json::object{{"ip", host}}}},
                                         {"ports", json::array{json::object{{"name", "https"}, {"port", port}, {"protocol", "TCP"}}}}}}}};
  if (!(co_await store_->get(ep_key))) co_await store_->create(ep_key, to_stored(std::move(endpoints)));
}

}  // namespace kscratch::apiserver::rest
