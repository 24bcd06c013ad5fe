// pods/log and pods/exec: the apiserver finds the pod's node and its kubelet, then streams
// the kubelet's answer back (upstream's pod LogREST and ExecREST with the
// UpgradeAwareHandler). Any authenticated user may use them for now.

#include "api.h"

#include "../proxy/kubelet_client.h"
#include "kscratch/util/log.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kscratch::apiserver::rest {

namespace {

constexpr std::string_view kLog = "apiserver";

std::string percent_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::vector<std::string> container_names(const json::object& pod, std::string_view list) {
  std::vector<std::string> names;
  auto* spec = find_path(pod, "spec");
  if (!spec || !spec->is_object()) return names;
  auto* containers = spec->get_object().if_contains(list);
  if (!containers || !containers->is_array()) return names;
  for (auto& c : containers->get_array()) {
    if (c.is_object()) names.push_back(string_at(c.get_object(), "name"));
  }
  return names;
}

// The status of a container by name (app, init or ephemeral), or nullptr.
const json::object* container_status(const json::object& pod, const std::string& name) {
  for (const char* list : {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"}) {
    auto* status = find_path(pod, std::string("status.") + list);
    if (!status || !status->is_array()) continue;
    for (auto& s : status->get_array()) {
      if (s.is_object() && string_at(s.get_object(), "name") == name) return &s.get_object();
    }
  }
  return nullptr;
}

// The address the apiserver reaches a node's kubelet at, in k3s's order of preference
// (--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname).
std::string node_address(const json::object& node) {
  auto* addresses = find_path(node, "status.addresses");
  if (!addresses || !addresses->is_array()) return {};
  for (const char* type : {"InternalIP", "ExternalIP", "Hostname"}) {
    for (auto& a : addresses->get_array()) {
      if (a.is_object() && string_at(a.get_object(), "type") == type) return string_at(a.get_object(), "address");
    }
  }
  return {};
}

// What a kubelet's unexpected answer becomes, as upstream's GenericHttpResponseChecker
// makes it.
ApiError backend_error(const proxy::BackendReply& reply, const std::string& subresource, const std::string& name) {
  if (reply.status == 0) return internal(reply.error);
  std::string body = reply.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  if (reply.status == 500) return internal(body);
  if (reply.status == 400) return bad_request(body);
  ApiError e;
  e.code = reply.status;
  std::string message;
  switch (reply.status) {
    case 404:
      e.reason = "NotFound";
      message = "the server could not find the requested resource";
      break;
    case 401:
      e.reason = "Unauthorized";
      message = "the server has asked for the client to provide credentials";
      break;
    case 403:
      e.reason = "Forbidden";
      message = fmt::format("the server does not allow access to the requested resource");
      break;
    default:
      e.reason = "InternalError";
      message = fmt::format("an error on the server (\"{}\") has prevented the request from succeeding", body);
  }
  e.message = fmt::format("{} ( pods/{} {})", message, subresource, name);
  e.details = json::object{{"name", name},
                           {"kind", "pods/" + subresource},
                           {"causes", json::array{json::object{{"reason", "UnexpectedServerResponse"}, {"message", body}}}}};
  return e;
}

}  // namespace

asio::awaitable<std::variant<Api::KubeletTarget, ApiError>> Api::locate_container(const Resource& r,
                                                                                 const RequestInfo& info,
                                                                                 const http::Request& req) {
  auto kv = co_await store_->get(object_key(r, info.namespace_, info.name));
  if (!kv) {
    if (kv.error() == store::Errc::not_found) co_return not_found(r, info.name);
    co_return internal(kv.error().message());
  }
  auto pod = from_stored(kv->value, kv->mod_revision);
  if (!pod) co_return internal("stored object is not valid JSON");
  KubeletTarget target;
  target.container = req.param("container");
  auto containers = container_names(*pod, "containers");
  auto init = container_names(*pod, "initContainers");
  auto ephemeral = container_names(*pod, "ephemeralContainers");
  if (target.container.empty()) {
    if (containers.size() == 1) {
      target.container = containers[0];
    } else {
      std::string message = fmt::format("a container name must be specified for pod {}, choose one of: [{}]",
                                        info.name, fmt::join(containers, " "));
      if (!init.empty()) message += fmt::format(" or one of the init containers: [{}]", fmt::join(init, " "));
      co_return bad_request(message);
    }
  }
  bool known = false;
  for (auto* list : {&containers, &init, &ephemeral}) {
    for (auto& c : *list) known = known || c == target.container;
  }
  if (!known) co_return bad_request(fmt::format("container {} is not valid for pod {}", target.container, info.name));
  auto node_name = string_at(*pod, "spec.nodeName");
  if (node_name.empty()) co_return bad_request(fmt::format("pod {} does not have a host assigned", info.name));
  target.pod = std::move(*pod);

  const Resource* nodes = find_resource("", "v1", "nodes");
  auto node_kv = co_await store_->get(object_key(*nodes, "", node_name));
  if (!node_kv) {
    if (node_kv.error() == store::Errc::not_found) co_return not_found(*nodes, node_name);
    co_return internal(node_kv.error().message());
  }
  auto node = from_stored(node_kv->value, node_kv->mod_revision);
  if (!node) co_return internal("stored object is not valid JSON");
  target.endpoint.host = node_address(*node);
  if (target.endpoint.host.empty())
    co_return internal(fmt::format("node {} has no address to reach its kubelet at", node_name));
  if (auto* port = find_path(*node, "status.daemonEndpoints.kubeletEndpoint.Port"); port && port->is_int64() &&
                                                                                   port->get_int64() > 0 &&
                                                                                   port->get_int64() < 65536) {
    target.endpoint.port = static_cast<std::uint16_t>(port->get_int64());
  }
  co_return target;
}

asio::awaitable<void> Api::serve_pod_proxy(const Resource& r, const RequestInfo& info, http::Request& req,
                                           http::Responder& out) {
  bool exec = info.subresource == "exec";
  if ((exec && req.method != "GET" && req.method != "POST") || (!exec && req.method != "GET")) {
    auto res = error_response(method_not_supported(req.method, &r));
    co_await out.send(res);
    co_return;
  }
  auto located = co_await locate_container(r, info, req);
  if (auto* e = std::get_if<ApiError>(&located)) {
    auto res = error_response(*e);
    co_await out.send(res);
    co_return;
  }
  auto& target = std::get<KubeletTarget>(located);
  proxy::ClientCredentials credentials{config_.kubelet_client_cert_file, config_.kubelet_client_key_file};
  std::string path = fmt::format("/{}/{}/{}/{}", exec ? "exec" : "containerLogs", percent_encode(info.namespace_),
                                 percent_encode(info.name), percent_encode(target.container));
  std::string query;
  auto forward = [&](const std::string& name) {
    for (auto [it, end] = req.query.equal_range(name); it != end; ++it) {
      query += fmt::format("{}{}={}", query.empty() ? "?" : "&", name, percent_encode(it->second));
    }
  };
  std::optional<proxy::BackendReply> failed;
  if (exec) {
    auto phase = string_at(target.pod, "status.phase");
    if (phase == "Succeeded" || phase == "Failed") {
      auto res = error_response(bad_request(
          fmt::format("cannot exec into a container in a completed pod; current phase is {}", phase)));
      co_await out.send(res);
      co_return;
    }
    for (const char* name : {"command", "stdin", "stdout", "stderr", "tty"}) forward(name);
    std::string url = path + query;
    failed = co_await proxy::proxy_upgrade(target.endpoint, credentials, url, req, out);
  } else {
    // As upstream's kubelet decides from the pod status: a container that has not started
    // has no log yet; one waiting to restart (CrashLoopBackOff) shows its last run's.
    bool previous = req.param("previous") == "true" || req.param("previous") == "1";
    if (auto* status = container_status(target.pod, target.container)) {
      auto* waiting = find_path(*status, "state.waiting");
      bool ran_before = find_path(*status, "lastState.terminated") != nullptr;
      if (!previous && !ran_before && waiting && waiting->is_object()) {
        auto res = error_response(bad_request(fmt::format("container \"{}\" in pod \"{}\" is waiting to start: {}",
                                                          target.container, info.name,
                                                          string_at(waiting->get_object(), "reason"))));
        co_await out.send(res);
        co_return;
      }
    }
    for (const char* name : {"follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"})
      forward(name);
    std::string url = path + query;
    failed = co_await proxy::stream_get(target.endpoint, credentials, url, out);
  }
  if (failed) {
    log::debug(kLog, "{} {}: kubelet answered {} {}{}", req.method, req.path, failed->status, failed->body,
               failed->error);
    auto res = error_response(backend_error(*failed, info.subresource, info.name));
    co_await out.send(res);
  }
}

}  // namespace kscratch::apiserver::rest
