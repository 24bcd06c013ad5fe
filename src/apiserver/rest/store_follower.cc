// The list-then-watch loop of derived apiserver state (see store_follower.h).

#include "store_follower.h"

#include "objects.h"

#include "kscratch/util/log.h"

#include <algorithm>

namespace kscratch::apiserver::rest {

namespace {
constexpr const char* kLog = "apiserver";
}

boost::asio::awaitable<void> StoreFollower::run(store::Store& store, std::string prefix) {
  prefix_ = prefix;
  auto apply = [&](const std::string& key, store::Revision revision, const std::string* stored) {
    seen_ = std::max(seen_, revision);
    auto name = key.substr(prefix.size());
    if (!stored) return remove(name, revision);
    if (auto object = from_stored(*stored, revision)) put(name, revision, *object);
  };
  for (;;) {
    auto listed = co_await store.list(prefix);
    if (!listed) {
      log::warn(kLog, "cannot follow {}: {}; reading the store instead", prefix, listed.error().message());
      co_return;
    }
    clear();
    for (auto& kv : listed->items) apply(kv.key, kv.mod_revision, &kv.value);
    seen_ = listed->revision;
    synced_ = true;
    auto watch = store.watch(prefix, listed->revision);
    boost::system::error_code ended;
    for (;;) {
      auto events = co_await watch->next();
      if (!events) {
        ended = events.error();
        break;
      }
      for (auto& e : *events) {
        apply(e->key, e->mod_revision, e->type == store::Event::Type::remove ? nullptr : &e->value);
      }
    }
    synced_ = false;
    clear();
    // Only compaction is worth a re-list; a closed store ends the following.
    if (ended != store::Errc::compacted) co_return;
  }
}

}  // namespace kscratch::apiserver::rest
