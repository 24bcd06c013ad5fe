// The namespace cache of NamespaceLifecycle admission (see namespace_cache.h).

#include "namespace_cache.h"

#include "objects.h"

#include "kscratch/util/log.h"

namespace kscratch::apiserver::rest {

namespace {
constexpr const char* kLog = "apiserver";
}

void NamespaceCache::apply(const std::string& name, const std::string* stored) {
  if (!stored) {
    namespaces_.erase(name);
    return;
  }
  auto object = from_stored(*stored, 0);
  namespaces_[name] = State{object && find_path(*object, "metadata.deletionTimestamp") != nullptr};
}

boost::asio::awaitable<void> NamespaceCache::run(store::Store& store, std::string prefix) {
  prefix_ = std::move(prefix);
  for (;;) {
    auto listed = co_await store.list(prefix_);
    if (!listed) {
      log::warn(kLog, "namespace cache: list failed ({}); admission reads the store", listed.error().message());
      co_return;
    }
    namespaces_.clear();
    for (auto& kv : listed->items) apply(kv.key.substr(prefix_.size()), &kv.value);
    synced_ = true;
    auto watch = store.watch(prefix_, listed->revision);
    boost::system::error_code ended;
    for (;;) {
      auto events = co_await watch->next();
      if (!events) {
        ended = events.error();
        break;
      }
      for (auto& e : *events) {
        apply(e->key.substr(prefix_.size()), e->type == store::Event::Type::remove ? nullptr : &e->value);
      }
    }
    synced_ = false;
    namespaces_.clear();
    // Only compaction is worth a re-list; a closed store ends the cache.
    if (ended != store::Errc::compacted) co_return;
  }
}

std::optional<NamespaceCache::State> NamespaceCache::find(const std::string& name) const {
  if (!synced_) return std::nullopt;
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return std::nullopt;
  return it->second;
}

}  // namespace kscratch::apiserver::rest
