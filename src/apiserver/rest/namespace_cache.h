#pragma once
// What NamespaceLifecycle admission needs to know of every namespace (does it exist, is
// it being deleted), followed from the store instead of read from SQLite on each create:
// upstream's admission plugin reads a namespace informer the same way. A name the cache
// has not seen yet (a namespace created an instant ago) is looked up in the store by the
// caller, as upstream falls back to a live GET.

#include "store_follower.h"

#include <optional>
#include <string>
#include <unordered_map>

namespace kscratch::apiserver::rest {

class NamespaceCache : public StoreFollower {
 public:
  struct State {
    bool terminating = false;
  };

  // The namespace's state, or nullopt when the cache does not know it (not listed yet, or
  // created after the last event seen).
  std::optional<State> find(const std::string& name) const;

 private:
  void put(const std::string& name, store::Revision, const boost::json::object& object) override;
  void remove(const std::string& name, store::Revision) override { namespaces_.erase(name); }
  void clear() override { namespaces_.clear(); }

  std::unordered_map<std::string, State> namespaces_;
};

}  // namespace kscratch::apiserver::rest
