// The verbs as REST requests (client-go's rest.Request), with Status errors decoded.

#include "kscratch/client/client.h"

#include "kscratch/client/transport.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

namespace kscratch::client {

namespace asio = boost::asio;

namespace kinds {
const Kind namespaces{"", "v1", "namespaces", false};
const Kind nodes{"", "v1", "nodes", false};
const Kind pods{"", "v1", "pods", true};
const Kind services{"", "v1", "services", true};
const Kind endpoints{"", "v1", "endpoints", true};
const Kind configmaps{"", "v1", "configmaps", true};
const Kind secrets{"", "v1", "secrets", true};
const Kind events{"", "v1", "events", true};
const Kind serviceaccounts{"", "v1", "serviceaccounts", true};
const Kind deployments{"apps", "v1", "deployments", true};
const Kind replicasets{"apps", "v1", "replicasets", true};
const Kind endpointslices{"discovery.k8s.io", "v1", "endpointslices", true};
const Kind leases{"coordination.k8s.io", "v1", "leases", true};
}  // namespace kinds

namespace {

// Query values carry selectors ("app in (a,b)", "spec.nodeName=n"): everything outside
// RFC 3986's unreserved set is escaped.
std::string query_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string with_query(std::string path, const std::vector<std::pair<std::string, std::string>>& params) {
  char sep = '?';
  for (auto& [k, v] : params) {
    if (v.empty()) continue;
    path += sep;
    path += k;
    path += '=';
    path += query_escape(v);
    sep = '&';
  }
  return path;
}

// A non-2xx answer as an ApiError, from its Status body when it has one.
ApiError error_from(const HttpResponse& response) {
  ApiError e{response.status, {}, response.body};
  if (response.status == 0) {
    e.reason = "ServiceUnavailable";
    return e;
  }
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (!ec && v.is_object()) {
    auto& o = v.get_object();
    if (auto* r = o.if_contains("reason"); r && r->is_string()) e.reason = r->get_string();
    if (auto* m = o.if_contains("message"); m && m->is_string()) e.message = m->get_string();
  }
  return e;
}

bool success(int status) { return status >= 200 && status < 300; }

Result<json::object> decode_object(const HttpResponse& response) {
  if (!success(response.status)) return error_from(response);
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (ec || !v.is_object()) return ApiError{response.status, "InternalError", "the response is not a JSON object"};
  return std::move(v.get_object());
}

std::string list_target(const Kind& kind, const std::string& ns, const ListOptions& o, bool watch) {
  std::vector<std::pair<std::string, std::string>> params{
      {"labelSelector", o.label_selector},
      {"fieldSelector", o.field_selector},
      {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
      {"continue", o.continue_token},
      {"resourceVersion", o.resource_version},
  };
  if (watch) {
    params.emplace_back("watch", "true");
    params.emplace_back("allowWatchBookmarks", "true");
    if (o.timeout_seconds > 0) params.emplace_back("timeoutSeconds", std::to_string(o.timeout_seconds));
  }
  return with_query(kind.path(ns), params);
}

// Newline-framed watch events from a byte stream.
class StreamWatch : public Watch {
 public:
  explicit StreamWatch(std::unique_ptr<ByteStream> stream) : stream_(std::move(stream)) {}
  ~StreamWatch() override { stream_->close(); }

  asio::awaitable<std::optional<WatchEvent>> next() override {
    for (;;) {
      if (auto nl = pending_.find('\n'); nl != std::string::npos) {
        std::string_view line(pending_.data(), nl);
        boost::system::error_code ec;
        auto v = json::parse(line, ec);
        pending_.erase(0, nl + 1);
        if (ec || !v.is_object()) continue;
        auto& o = v.get_object();
        WatchEvent event;
        if (auto* t = o.if_contains("type"); t && t->is_string()) event.type = t->get_string();
        if (auto* obj = o.if_contains("object"); obj && obj->is_object()) event.object = std::move(obj->get_object());
        co_return event;
      }
      if (auto object = stream_->take_object()) {
        WatchEvent event;
        event.type = std::move(object->type);
        event.shared = std::move(object->object);
        co_return event;
      }
      auto chunk = co_await stream_->read();
      if (!chunk) co_return std::nullopt;
      pending_ += *chunk;
    }
  }

  void close() override { stream_->close(); }

 private:
  std::unique_ptr<ByteStream> stream_;
  std::string pending_;
};

const char* patch_content_type(PatchType type) {
  switch (type) {
    case PatchType::kJson: return "application/json-patch+json";
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kStrategic: return "application/strategic-merge-patch+json";
    case PatchType::kApply: return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

std::string string_at(const json::object& o, std::string_view section, std::string_view key) {
  auto* s = o.if_contains(section);
  if (!s || !s->is_object()) return {};
  auto* v = s->get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::string Kind::path(std::string_view ns, std::string_view name, std::string_view subresource) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) {
    p += "/namespaces/";
    p += ns;
  }
  p += '/';
  p += plural;
  if (!name.empty()) {
    p += '/';
    p += name;
    if (!subresource.empty()) {
      p += '/';
      p += subresource;
    }
  }
  return p;
}

Client::Client(std::shared_ptr<Transport> transport, std::string field_manager)
    : transport_(std::move(transport)), field_manager_(std::move(field_manager)) {}

asio::awaitable<Result<json::object>> Client::object_request(const std::string& method, const std::string& target,
                                                             const std::string& content_type, const std::string& body) {
  HttpRequest request{method, target, content_type, body};
  auto response = co_await transport_->round_trip(request);
  co_return decode_object(response);
}

asio::awaitable<Result<json::object>> Client::get(const Kind& kind, const std::string& ns, const std::string& name) {
  std::string target = kind.path(ns, name);
  std::string none;
  co_return co_await object_request("GET", target, none, none);
}

asio::awaitable<Result<ObjectList>> Client::list(const Kind& kind, const std::string& ns, const ListOptions& options) {
  HttpRequest request{"GET", list_target(kind, ns, options, false), {}, {}};
  auto response = co_await transport_->round_trip(request);
  auto decoded = decode_object(response);
  if (!decoded) co_return decoded.error();
  auto& o = *decoded;
  ObjectList out;
  out.resource_version = string_at(o, "metadata", "resourceVersion");
  out.continue_token = string_at(o, "metadata", "continue");
  if (auto* items = o.if_contains("items"); items && items->is_array()) {
    out.items.reserve(items->get_array().size());
    for (auto& item : items->get_array()) {
      if (item.is_object()) out.items.push_back(std::move(item.get_object()));
    }
  }
  co_return out;
}

asio::awaitable<Result<json::object>> Client::create(const Kind& kind, const std::string& ns, const json::object& object) {
  std::string target = with_query(kind.path(ns), {{"fieldManager", field_manager_}});
  std::string type = "application/json";
  std::string body = json::serialize(object);
  co_return co_await object_request("POST", target, type, body);
}

asio::awaitable<Result<json::object>> Client::update(const Kind& kind, const json::object& object,
                                                     const std::string& subresource) {
  auto ns = string_at(object, "metadata", "namespace");
  auto name = string_at(object, "metadata", "name");
  std::string target = with_query(kind.path(ns, name, subresource), {{"fieldManager", field_manager_}});
  std::string type = "application/json";
  std::string body = json::serialize(object);
  co_return co_await object_request("PUT", target, type, body);
}

asio::awaitable<Result<json::object>> Client::patch(const Kind& kind, const std::string& ns, const std::string& name,
                                                    PatchType type, const json::value& patch,
                                                    const std::string& subresource) {
  std::string target = with_query(kind.path(ns, name, subresource), {{"fieldManager", field_manager_}});
  std::string content_type = patch_content_type(type);
  std::string body = json::serialize(patch);
  co_return co_await object_request("PATCH", target, content_type, body);
}

asio::awaitable<Result<json::object>> Client::remove(const Kind& kind, const std::string& ns, const std::string& name,
                                                     const DeleteOptions& options) {
  json::object body{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.precondition_uid.empty()) body["preconditions"] = json::object{{"uid", options.precondition_uid}};
  std::string target = kind.path(ns, name);
  std::string type = "application/json";
  std::string text = json::serialize(body);
  co_return co_await object_request("DELETE", target, type, text);
}

asio::awaitable<Result<json::object>> Client::remove_collection(const Kind& kind, const std::string& ns) {
  std::string target = kind.path(ns);
  std::string none;
  co_return co_await object_request("DELETE", target, none, none);
}

asio::awaitable<Result<json::object>> Client::bind(const std::string& ns, const std::string& pod, const std::string& uid,
                                                   const std::string& node) {
  json::object metadata{{"name", pod}, {"namespace", ns}};
  if (!uid.empty()) metadata["uid"] = uid;
  json::object binding{{"kind", "Binding"},
                       {"apiVersion", "v1"},
                       {"metadata", std::move(metadata)},
                       {"target", json::object{{"kind", "Node"}, {"apiVersion", "v1"}, {"name", node}}}};
  std::string target = kinds::pods.path(ns, pod, "binding");
  std::string type = "application/json";
  std::string body = json::serialize(binding);
  co_return co_await object_request("POST", target, type, body);
}

asio::awaitable<Result<std::unique_ptr<Watch>>> Client::watch(const Kind& kind, const std::string& ns,
                                                              const ListOptions& options) {
  HttpRequest request{"GET", list_target(kind, ns, options, true), {}, {}};
  auto response = co_await transport_->open_stream(request);
  if (response.status != 200 || !response.stream) {
    HttpResponse failed{response.status, std::move(response.body)};
    co_return error_from(failed);
  }
  std::unique_ptr<Watch> w = std::make_unique<StreamWatch>(std::move(response.stream));
  co_return w;
}

}  // namespace kscratch::client
