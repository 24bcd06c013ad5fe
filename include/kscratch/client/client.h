#pragma once
// The API client every component uses (client-go's role): typed paths for the kinds the
// components touch, the verbs, and watches, over a Transport that is either in-process
// (the server's own components) or HTTPS (agents on other machines). Objects stay
// boost::json objects, so fields a component does not know round-trip untouched.

#include "kscratch/util/expected.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscratch::client {

namespace json = boost::json;

class Transport;

// A resource as the REST paths name it.
struct Kind {
  std::string group;  // "" for the core group
  std::string version;
  std::string plural;
  bool namespaced = true;

  // "/api/v1/namespaces/ns/pods/name/status"; an empty namespace on a namespaced kind
  // means all namespaces (lists and watches).
  std::string path(std::string_view ns = {}, std::string_view name = {}, std::string_view subresource = {}) const;
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

// The kinds the control plane and the node components use.
namespace kinds {
extern const Kind namespaces, nodes, pods, services, endpoints, configmaps, secrets, events, serviceaccounts,
    deployments, replicasets, endpointslices, leases;
}

// A request that failed: the Status the server answered with, or a transport failure
// (code 0). reason is the Status reason ("NotFound", "Conflict", "Expired", ...).
struct ApiError {
  int code = 0;
  std::string reason;
  std::string message;

  bool not_found() const { return code == 404; }
  bool conflict() const { return code == 409; }
  bool already_exists() const { return code == 409 && reason == "AlreadyExists"; }
  bool gone() const { return code == 410; }
};

template <class T>
using Result = Expected<T, ApiError>;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::int64_t limit = 0;
  std::string continue_token;
  std::string resource_version;  // for watches: where to start
  int timeout_seconds = 0;       // for watches: 0 lets the server pick
};

struct ObjectList {
  std::vector<json::object> items;
  std::string resource_version;
  std::string continue_token;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  json::object object;
  // Set instead of `object` when the server in this process handed its own decoded
  // object (shared with its other watchers, so never to be changed).
  std::shared_ptr<const json::object> shared;
  const json::object& get() const { return shared ? *shared : object; }
};

// An open watch. next() gives events in order; nothing once the stream has ended (the
// server's timeout, or close()).
class Watch {
 public:
  virtual ~Watch() = default;
  virtual boost::asio::awaitable<std::optional<WatchEvent>> next() = 0;
  virtual void close() = 0;
};

enum class PatchType { kJson, kMerge, kStrategic, kApply };

struct DeleteOptions {
  std::string propagation_policy;  // "", Background, Foreground, Orphan
  std::optional<std::int64_t> grace_period_seconds;
  std::string precondition_uid;
};

class Client {
 public:
  // field_manager names this client's writes in managedFields, and the component in logs.
  Client(std::shared_ptr<Transport> transport, std::string field_manager);

  // NOTE: arguments by reference to named objects (g++ 12.2 coroutine parameter bugs).
  boost::asio::awaitable<Result<json::object>> get(const Kind& kind, const std::string& ns, const std::string& name);
  boost::asio::awaitable<Result<ObjectList>> list(const Kind& kind, const std::string& ns, const ListOptions& options);
  boost::asio::awaitable<Result<json::object>> create(const Kind& kind, const std::string& ns, const json::object& object);
  // PUT of the object to its own path (or its subresource's, e.g. "status").
  boost::asio::awaitable<Result<json::object>> update(const Kind& kind, const json::object& object,
                                                      const std::string& subresource = {});
  boost::asio::awaitable<Result<json::object>> patch(const Kind& kind, const std::string& ns, const std::string& name,
                                                     PatchType type, const json::value& patch,
                                                     const std::string& subresource = {});
  boost::asio::awaitable<Result<json::object>> remove(const Kind& kind, const std::string& ns, const std::string& name,
                                                      const DeleteOptions& options);
  // deletecollection: every object of the kind in the namespace.
  boost::asio::awaitable<Result<json::object>> remove_collection(const Kind& kind, const std::string& ns);
  // pods/binding: assigns a pod to a node, as the scheduler does.
  boost::asio::awaitable<Result<json::object>> bind(const std::string& ns, const std::string& pod, const std::string& uid,
                                                    const std::string& node);
  boost::asio::awaitable<Result<std::unique_ptr<Watch>>> watch(const Kind& kind, const std::string& ns,
                                                              const ListOptions& options);

  const std::string& field_manager() const { return field_manager_; }

 private:
  boost::asio::awaitable<Result<json::object>> object_request(const std::string& method, const std::string& target,
                                                              const std::string& content_type, const std::string& body);

  std::shared_ptr<Transport> transport_;
  std::string field_manager_;
};

}  // namespace kscratch::client
