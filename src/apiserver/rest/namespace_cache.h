#pragma once
// What NamespaceLifecycle admission needs to know of every namespace (does it exist, is
// it being deleted), kept from a watch on the store instead of read from SQLite on each
// create: upstream's admission plugin reads a namespace informer the same way. A name
// the cache has not seen yet (a namespace created an instant ago) is looked up in the
// store by the caller, as upstream falls back to a live GET.

#include "kscratch/store/store.h"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <unordered_map>

namespace kscratch::apiserver::rest {

class NamespaceCache {
 public:
  struct State {
    bool terminating = false;
  };

  // Lists the namespaces, then follows their changes until the store closes; re-lists
  // when the watch falls behind compaction. Runs on the loop thread, as every reader.
  boost::asio::awaitable<void> run(store::Store& store, std::string prefix);

  // The namespace's state, or nullopt when the cache does not know it (not listed yet, or
  // created after the last event seen).
  std::optional<State> find(const std::string& name) const;

 private:
  void apply(const std::string& name, const std::string* stored);

  std::string prefix_;
  bool synced_ = false;
  std::unordered_map<std::string, State> namespaces_;
};

}  // namespace kscratch::apiserver::rest
