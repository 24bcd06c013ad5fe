// The informer (client-go tools/cache: Reflector + Indexer + shared handlers).

#include "kscratch/client/informer.h"

#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace kscratch::client {

namespace asio = boost::asio;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kMinBackoff = std::chrono::milliseconds(200);
constexpr auto kMaxBackoff = std::chrono::seconds(30);

const json::object* meta_of(const json::object& o) {
  auto* m = o.if_contains("metadata");
  return m && m->is_object() ? &m->get_object() : nullptr;
}

std::string meta_string(const json::object& o, std::string_view key) {
  auto* m = meta_of(o);
  if (!m) return {};
  auto* v = m->if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

namespace index {

std::vector<std::string> by_namespace(const json::object& o) { return {meta_string(o, "namespace")}; }

std::vector<std::string> by_node(const json::object& o) {
  auto* spec = o.if_contains("spec");
  if (!spec || !spec->is_object()) return {};
  auto* n = spec->get_object().if_contains("nodeName");
  if (!n || !n->is_string() || n->get_string().empty()) return {};
  return {std::string(n->get_string())};
}

namespace {
std::vector<std::string> owner_uids(const json::object& o, bool controller_only) {
  std::vector<std::string> out;
  auto* m = meta_of(o);
  if (!m) return out;
  auto* refs = m->if_contains("ownerReferences");
  if (!refs || !refs->is_array()) return out;
  for (auto& ref : refs->get_array()) {
    if (!ref.is_object()) continue;
    auto& r = ref.get_object();
    auto* c = r.if_contains("controller");
    if (controller_only && !(c && c->is_bool() && c->get_bool())) continue;
    if (auto* uid = r.if_contains("uid"); uid && uid->is_string()) out.emplace_back(uid->get_string());
  }
  return out;
}
}  // namespace

std::vector<std::string> by_controller(const json::object& o) { return owner_uids(o, true); }
std::vector<std::string> by_owner(const json::object& o) { return owner_uids(o, false); }

IndexFunc by_label(std::string key) {
  return [key = std::move(key)](const json::object& o) -> std::vector<std::string> {
    auto* m = meta_of(o);
    if (!m) return {};
    auto* labels = m->if_contains("labels");
    if (!labels || !labels->is_object()) return {};
    auto* v = labels->get_object().if_contains(key);
    if (!v || !v->is_string()) return {};
    return {std::string(v->get_string())};
  };
}

}  // namespace index

std::string object_key(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string key(ns);
  key += '/';
  key += name;
  return key;
}

std::string object_key(const json::object& o) { return object_key(meta_string(o, "namespace"), meta_string(o, "name")); }

Informer::Informer(Client& client, Kind kind, InformerOptions options)
    : client_(client), kind_(std::move(kind)), options_(std::move(options)) {}

void Informer::add_handlers(EventHandlers handlers) { handlers_.push_back(std::move(handlers)); }

void Informer::add_index(const std::string& name, IndexFunc fn) {
  index_funcs_[name] = std::move(fn);
  auto& idx = indexes_[name];
  idx.clear();
  for (auto& [key, obj] : items_) {
    for (auto& v : index_funcs_[name](*obj)) idx[v].insert(key);
  }
}

asio::awaitable<void> Informer::wait_for_sync() {
  if (synced_) co_return;
  if (!sync_signal_) {
    sync_signal_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor,
                                                        asio::steady_timer::time_point::max());
  }
  while (!synced_) {
    co_await sync_signal_->async_wait(kTuple);
    co_await runtime::throw_if_cancelled();
  }
}

ObjectPtr Informer::get(std::string_view key) const {
  auto it = items_.find(std::string(key));
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Informer::list() const {
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (auto& [k, v] : items_) out.push_back(v);
  return out;
}

std::vector<ObjectPtr> Informer::by_index(std::string_view index_name, std::string_view value) const {
  std::vector<ObjectPtr> out;
  auto idx = indexes_.find(index_name);
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  // In key order, as callers (and their outputs) have always seen them.
  std::vector<const std::string*> sorted;
  sorted.reserve(keys->second.size());
  for (auto& key : keys->second) sorted.push_back(&key);
  std::sort(sorted.begin(), sorted.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  out.reserve(sorted.size());
  for (auto* key : sorted) {
    if (auto it = items_.find(*key); it != items_.end()) out.push_back(it->second);
  }
  return out;
}

void Informer::index_object(const std::string& key, const json::object& o, bool add) {
  for (auto& [name, fn] : index_funcs_) {
    auto& idx = indexes_[name];
    for (auto& v : fn(o)) {
      if (add) {
        idx[v].insert(key);
      } else if (auto it = idx.find(v); it != idx.end()) {
        it->second.erase(key);
        if (it->second.empty()) idx.erase(it);
      }
    }
  }
}

void Informer::store(const std::string& key, ObjectPtr object) {
  auto it = items_.find(key);
  ObjectPtr old = it == items_.end() ? nullptr : it->second;
  if (old) index_object(key, *old, false);
  index_object(key, *object, true);
  items_[key] = object;
  for (auto& h : handlers_) {
    if (old) {
      if (h.on_update) h.on_update(old, object);
    } else if (h.on_add) {
      h.on_add(object);
    }
  }
}

void Informer::erase(const std::string& key) {
  auto it = items_.find(key);
  if (it == items_.end()) return;
  ObjectPtr old = it->second;
  index_object(key, *old, false);
  items_.erase(it);
  for (auto& h : handlers_) {
    if (h.on_delete) h.on_delete(old);
  }
}

namespace {
// What a metadata-only informer keeps. Field ownership is often larger than the rest of
// the metadata and not needed here.
json::object metadata_of(const json::object& o) {
  json::object out;
  for (const char* key : {"apiVersion", "kind"}) {
    if (auto* v = o.if_contains(key)) out[key] = *v;
  }
  if (auto* m = o.if_contains("metadata"); m && m->is_object()) {
    json::object meta;
    meta.reserve(m->get_object().size());
    for (auto& field : m->get_object()) {
      if (field.key() != "managedFields") meta.emplace(field.key(), field.value());
    }
    out["metadata"] = std::move(meta);
  }
  return out;
}
}  // namespace

void Informer::apply(WatchEvent event) {
  // An object shared by the server in this process is cached as it is (no copy), unless
  // only its metadata is wanted.
  ObjectPtr object = std::move(event.shared);
  if (options_.metadata_only) {
    event.object = metadata_of(object ? *object : event.object);
    object = nullptr;
  }
  const json::object& o = object ? *object : event.object;
  auto rv = meta_string(o, "resourceVersion");
  if (!rv.empty()) resource_version_ = rv;
  if (event.type == "BOOKMARK") return;
  auto key = object_key(o);
  if (event.type == "DELETED") {
    erase(key);
    return;
  }
  if (!object) object = std::make_shared<const json::object>(std::move(event.object));
  store(key, std::move(object));
}

asio::awaitable<bool> Informer::relist() {
  ListOptions o;
  o.label_selector = options_.label_selector;
  o.field_selector = options_.field_selector;
  o.limit = options_.page_size;
  std::unordered_map<std::string, ObjectPtr> fresh;
  std::string rv;
  for (;;) {
    auto page = co_await client_.list(kind_, options_.namespace_, o);
    if (!page) {
      log::warn("informer", "listing {}: {}", kind_.plural, page.error().message);
      co_return false;
    }
    if (rv.empty()) rv = page->resource_version;
    for (auto& item : page->items) {
      if (options_.metadata_only) item = metadata_of(item);
      auto key = object_key(item);
      fresh.emplace(std::move(key), std::make_shared<const json::object>(std::move(item)));
    }
    if (page->continue_token.empty()) break;
    o.continue_token = page->continue_token;
  }
  // Deliver the difference from the cache (client-go's DeltaFIFO Replace).
  std::vector<std::string> gone;
  for (auto& [key, old] : items_) {
    if (!fresh.contains(key)) gone.push_back(key);
  }
  for (auto& key : gone) erase(key);
  for (auto& [key, obj] : fresh) {
    auto old = get(key);
    if (old && meta_string(*old, "resourceVersion") == meta_string(*obj, "resourceVersion")) continue;
    store(key, obj);
  }
  resource_version_ = rv;
  if (!synced_) {
    synced_ = true;
    if (sync_signal_) sync_signal_->cancel();
  }
  co_return true;
}

asio::awaitable<void> Informer::watch_until_broken() {
  auto backoff = std::chrono::milliseconds(kMinBackoff);
  for (;;) {
    ListOptions o;
    o.label_selector = options_.label_selector;
    o.field_selector = options_.field_selector;
    o.resource_version = resource_version_;
    // Servers end watches after a while; a random-ish timeout spreads the restarts.
    o.timeout_seconds = 300 + static_cast<int>(std::hash<std::string>{}(kind_.plural) % 300);
    auto w = co_await client_.watch(kind_, options_.namespace_, o);
    if (!w) {
      if (w.error().gone()) co_return;
      log::warn("informer", "watching {}: {}", kind_.plural, w.error().message);
      co_await sleep_for(backoff);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
      if (w.error().code == 0 || w.error().code >= 500) co_return;  // relist after outages
      continue;
    }
    backoff = kMinBackoff;
    while (auto event = co_await (*w)->next()) {
      if (event->type == "ERROR") {
        auto* code = event->get().if_contains("code");
        bool gone = code && code->is_int64() && code->get_int64() == 410;
        if (gone) co_return;
        log::warn("informer", "watch of {} reported an error; relisting", kind_.plural);
        co_return;
      }
      apply(std::move(*event));
    }
  }
}

asio::awaitable<void> Informer::run() {
  auto backoff = std::chrono::milliseconds(kMinBackoff);
  for (;;) {
    if (!co_await relist()) {
      co_await sleep_for(backoff);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kMinBackoff;
    co_await watch_until_broken();
  }
}

}  // namespace kscratch::client
