// The namespace cache of NamespaceLifecycle admission (see namespace_cache.h).

#include "namespace_cache.h"

#include "objects.h"

namespace kscratch::apiserver::rest {

void NamespaceCache::put(const std::string& name, store::Revision, const boost::json::object& object) {
  namespaces_[name] = State{find_path(object, "metadata.deletionTimestamp") != nullptr};
}

std::optional<NamespaceCache::State> NamespaceCache::find(const std::string& name) const {
  if (!synced()) return std::nullopt;
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return std::nullopt;
  return it->second;
}

}  // namespace kscratch::apiserver::rest
