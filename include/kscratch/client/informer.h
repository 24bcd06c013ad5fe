#pragma once
// client-go's shared informer for one kind: list, then watch from the list's
// resourceVersion, keeping a local cache that components read instead of the API; indexes
// over the cache; handlers called for each add, update and delete. A watch that ends is
// resumed from the last seen resourceVersion; one that is too old (410 Gone) relists, and
// the relist's differences from the cache are delivered as events, so handlers never
// miss a change. Everything runs on the io_context's one thread: no locks.

#include "kscratch/client/client.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kscratch::client {

using ObjectPtr = std::shared_ptr<const json::object>;

struct EventHandlers {
  std::function<void(const ObjectPtr& object)> on_add;
  std::function<void(const ObjectPtr& old_object, const ObjectPtr& new_object)> on_update;
  std::function<void(const ObjectPtr& object)> on_delete;  // the last state seen
};

// Keys an object files under in an index (none: not indexed).
using IndexFunc = std::function<std::vector<std::string>(const json::object& object)>;

namespace index {
// "namespace"
std::vector<std::string> by_namespace(const json::object& o);
// spec.nodeName of pods
std::vector<std::string> by_node(const json::object& o);
// uid of the controller ownerReference
std::vector<std::string> by_controller(const json::object& o);
// uids of every ownerReference
std::vector<std::string> by_owner(const json::object& o);
// the value of one label, e.g. by_label("app")
IndexFunc by_label(std::string key);
}  // namespace index

// "namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).
std::string object_key(const json::object& o);
std::string object_key(std::string_view ns, std::string_view name);

struct InformerOptions {
  std::string namespace_;  // "" for all namespaces
  std::string label_selector;
  std::string field_selector;
  std::int64_t page_size = 500;
  // Cache only apiVersion, kind and metadata (upstream's metadata informers): for
  // watchers of owner references, such as the garbage collector, on kinds whose bodies
  // can be large.
  bool metadata_only = false;
};

class Informer {
 public:
  Informer(Client& client, Kind kind, InformerOptions options = {});
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Register before run(); handlers added later get no replay of the cache.
  void add_handlers(EventHandlers handlers);
  void add_index(const std::string& name, IndexFunc fn);

  // Lists and watches until cancelled, retrying failures with backoff.
  boost::asio::awaitable<void> run();
  bool synced() const { return synced_; }
  // Completes once the first list has been delivered.
  boost::asio::awaitable<void> wait_for_sync();

  ObjectPtr get(std::string_view key) const;
  ObjectPtr get(std::string_view ns, std::string_view name) const { return get(object_key(ns, name)); }
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> by_index(std::string_view index, std::string_view value) const;
  std::size_t size() const { return items_.size(); }
  // The resourceVersion of the last list or event seen.
  const std::string& resource_version() const { return resource_version_; }
  const Kind& kind() const { return kind_; }

 private:
  boost::asio::awaitable<bool> relist();
  boost::asio::awaitable<void> watch_until_broken();
  void apply(WatchEvent event);
  void store(const std::string& key, ObjectPtr object);
  void erase(const std::string& key);
  void index_object(const std::string& key, const json::object& o, bool add);

  Client& client_;
  Kind kind_;
  InformerOptions options_;
  std::vector<EventHandlers> handlers_;
  std::map<std::string, IndexFunc, std::less<>> index_funcs_;
  // index name -> value -> keys (hashed: a namespace may hold 100,000 objects, and a
  // sorted set paid a string comparison per level on every change)
  std::map<std::string, std::map<std::string, std::unordered_set<std::string>, std::less<>>, std::less<>> indexes_;
  std::unordered_map<std::string, ObjectPtr> items_;
  std::string resource_version_;
  bool synced_ = false;
  std::unique_ptr<boost::asio::steady_timer> sync_signal_;
};

}  // namespace kscratch::client
