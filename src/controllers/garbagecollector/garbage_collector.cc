#include "garbage_collector.h"

#include "kscratch/util/log.h"

#include <fmt/format.h>

namespace kscratch::controllers::garbagecollector {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kLog = "garbage-collector";
constexpr const char* kOrphan = "orphan";
constexpr const char* kForeground = "foregroundDeletion";

struct KindEntry {
  const client::Kind* kind;
  const char* api_version;
  const char* kind_name;
};
// The kinds whose objects own or are owned here (upstream discovers every kind). Kinds
// no other controller caches are watched for their metadata only, as upstream's
// collector does for all: a cache of every ConfigMap's data would cost memory for nothing.
const KindEntry kTracked[] = {
    {&client::kinds::deployments, "apps/v1", "Deployment"},
    {&client::kinds::replicasets, "apps/v1", "ReplicaSet"},
    {&client::kinds::pods, "v1", "Pod"},
    {&client::kinds::services, "v1", "Service"},
    {&client::kinds::endpointslices, "discovery.k8s.io/v1", "EndpointSlice"},
    {&client::kinds::configmaps, "v1", "ConfigMap"},
    {&client::kinds::secrets, "v1", "Secret"},
};

bool has_finalizer(const json::object& o, std::string_view f) {
  auto* meta = object_at(o, "metadata");
  auto* list = meta ? meta->if_contains("finalizers") : nullptr;
  if (!list || !list->is_array()) return false;
  for (auto& v : list->get_array()) {
    if (v.is_string() && v.get_string() == f) return true;
  }
  return false;
}

std::vector<json::object> owner_refs(const json::object& o) {
  std::vector<json::object> out;
  auto* meta = object_at(o, "metadata");
  auto* refs = meta ? meta->if_contains("ownerReferences") : nullptr;
  if (!refs || !refs->is_array()) return out;
  for (auto& r : refs->get_array()) {
    if (r.is_object()) out.push_back(r.get_object());
  }
  return out;
}

std::string item(const char* what, std::size_t tracked, const std::string& key) {
  return fmt::format("{}|{}|{}", what, tracked, key);
}

}  // namespace

GarbageCollector::GarbageCollector(ControllerContext& ctx) : ctx_(ctx), queue_(ctx.executor) {
  for (auto& entry : kTracked) {
    bool shared = entry.kind != &client::kinds::configmaps && entry.kind != &client::kinds::secrets;
    auto& informer = shared ? ctx.informers.get(*entry.kind) : ctx.informers.get_metadata(*entry.kind);
    informer.add_index("owner", client::index::by_owner);
    tracked_.push_back(Tracked{entry.kind, entry.api_version, entry.kind_name, &informer});
  }
  for (std::size_t i = 0; i < tracked_.size(); ++i) {
    tracked_[i].informer->add_handlers({
        [this, i](const client::ObjectPtr& o) { on_object(i, o, true); },
        [this, i](const client::ObjectPtr& old, const client::ObjectPtr& o) {
          // Only what the collector acts on: owners changing, deletion starting.
          bool refs_changed = owner_refs(*old) != owner_refs(*o);
          bool deleting = is_being_deleted(*o) != is_being_deleted(*old) ||
                          (is_being_deleted(*o) && (has_finalizer(*o, kOrphan) || has_finalizer(*o, kForeground)));
          if (refs_changed || deleting) on_object(i, o, refs_changed);
        },
        [this, i](const client::ObjectPtr& o) { on_deleted(i, o); },
    });
  }
}

void GarbageCollector::on_object(std::size_t tracked, const client::ObjectPtr& object, bool check_owners) {
  auto key = client::object_key(*object);
  by_uid_[uid_of(*object)] = Located{tracked, key};
  if (check_owners && !owner_refs(*object).empty()) queue_.add(item("dependent", tracked, key));
  if (is_being_deleted(*object) && (has_finalizer(*object, kOrphan) || has_finalizer(*object, kForeground))) {
    queue_.add(item("owner", tracked, key));
  }
}

void GarbageCollector::on_deleted(std::size_t, const client::ObjectPtr& object) {
  by_uid_.erase(uid_of(*object));
  enqueue_dependents(uid_of(*object));
  // An owner waiting in the foreground may now have no dependents left.
  for (auto& ref : owner_refs(*object)) {
    auto it = by_uid_.find(string_at(ref, "uid"));
    if (it != by_uid_.end()) queue_.add(item("owner", it->second.tracked, it->second.key));
  }
}

std::vector<std::pair<std::size_t, client::ObjectPtr>> GarbageCollector::dependents_of(const std::string& owner_uid) const {
  std::vector<std::pair<std::size_t, client::ObjectPtr>> out;
  for (std::size_t i = 0; i < tracked_.size(); ++i) {
    for (auto& d : tracked_[i].informer->by_index("owner", owner_uid)) out.emplace_back(i, d);
  }
  return out;
}

void GarbageCollector::enqueue_dependents(const std::string& owner_uid) {
  for (auto& [i, d] : dependents_of(owner_uid)) queue_.add(item("dependent", i, client::object_key(*d)));
}

const GarbageCollector::Tracked* GarbageCollector::tracked_for(const json::object& ref) const {
  auto api_version = string_at(ref, "apiVersion");
  auto kind = string_at(ref, "kind");
  for (auto& t : tracked_) {
    if (t.kind_name == kind && t.api_version == api_version) return &t;
  }
  return nullptr;
}

asio::awaitable<void> GarbageCollector::run() {
  for (auto& t : tracked_) co_await t.informer->wait_for_sync();
  // What happened while no collector ran: every dependent and every waiting owner.
  for (std::size_t i = 0; i < tracked_.size(); ++i) {
    for (auto& o : tracked_[i].informer->list()) on_object(i, o, true);
  }
  co_await client::run_workers(queue_, 2, [this](const std::string& key) { return sync(key); });
}

asio::awaitable<bool> GarbageCollector::sync(const std::string& work) {
  auto first = work.find('|');
  auto second = work.find('|', first + 1);
  std::string what = work.substr(0, first);
  std::size_t tracked = std::stoul(work.substr(first + 1, second - first - 1));
  std::string key = work.substr(second + 1);
  if (what == "owner") co_return co_await finish_deleting_owner(tracked, key);
  co_return co_await attempt_to_delete(tracked, key);
}

// The state of one owner of `dependent`: upstream's classifyReferences. An owner missing
// from the cache is confirmed gone with a live read (the cache may lag), and an owner with
// the same name but another uid is gone too (it was recreated).
asio::awaitable<GarbageCollector::OwnerState> GarbageCollector::owner_state(const json::object& dependent,
                                                                             const json::object& ref) {
  auto* t = tracked_for(ref);
  if (!t) co_return OwnerState::kSolid;  // a kind not tracked here: never collect for it
  auto uid = string_at(ref, "uid");
  std::string ns = t->kind->namespaced ? namespace_of(dependent) : std::string();
  std::string name = string_at(ref, "name");
  auto cached = t->informer->get(ns, name);
  json::object owner;
  if (cached && uid_of(*cached) == uid) {
    owner = *cached;
  } else {
    auto live = co_await ctx_.client.get(*t->kind, ns, name);
    if (!live) co_return live.error().not_found() ? OwnerState::kGone : OwnerState::kSolid;
    if (uid_of(*live) != uid) co_return OwnerState::kGone;
    owner = std::move(*live);
  }
  if (is_being_deleted(owner) && has_finalizer(owner, kForeground)) co_return OwnerState::kWaitingForDependents;
  co_return OwnerState::kSolid;
}

asio::awaitable<bool> GarbageCollector::attempt_to_delete(std::size_t tracked, const std::string& key) {
  auto& t = tracked_[tracked];
  auto object = t.informer->get(key);
  if (!object) co_return true;
  auto refs = owner_refs(*object);
  if (refs.empty()) co_return true;
  // Already being deleted: nothing to decide unless it waits for its own dependents.
  if (is_being_deleted(*object) && !has_finalizer(*object, kForeground)) co_return true;

  std::vector<std::string> solid, gone, waiting;
  for (auto& ref : refs) {
    auto state = co_await owner_state(*object, ref);
    auto uid = string_at(ref, "uid");
    (state == OwnerState::kSolid ? solid : state == OwnerState::kGone ? gone : waiting).push_back(uid);
  }
  if (!solid.empty()) {
    // Still owned: only references to owners that are gone or waiting are dropped.
    std::vector<std::string> drop = gone;
    drop.insert(drop.end(), waiting.begin(), waiting.end());
    if (drop.empty()) co_return true;
    co_return co_await remove_owner_references(tracked, *object, drop);
  }
  if (is_being_deleted(*object)) co_return true;
  client::DeleteOptions options;
  options.precondition_uid = uid_of(*object);
  bool has_dependents = !dependents_of(uid_of(*object)).empty();
  if (!waiting.empty() && has_dependents) {
    options.propagation_policy = "Foreground";  // its owner waits for its whole subtree
  } else if (has_finalizer(*object, kOrphan)) {
    options.propagation_policy = "Orphan";
  } else if (has_finalizer(*object, kForeground)) {
    options.propagation_policy = "Foreground";
  } else {
    options.propagation_policy = "Background";
  }
  log::info(kLog, "deleting {} {} whose owners are gone ({})", t.kind_name, key, options.propagation_policy);
  auto ns = namespace_of(*object), name = name_of(*object);
  auto removed = co_await ctx_.client.remove(*t.kind, ns, name, options);
  co_return removed || removed.error().not_found() || removed.error().conflict();
}

asio::awaitable<bool> GarbageCollector::finish_deleting_owner(std::size_t tracked, const std::string& key) {
  auto owner = tracked_[tracked].informer->get(key);
  if (!owner || !is_being_deleted(*owner)) co_return true;
  auto dependents = dependents_of(uid_of(*owner));
  if (has_finalizer(*owner, kOrphan)) {
    // Orphan: every dependent loses its reference to the owner, then the owner goes.
    bool ok = true;
    for (auto& [i, d] : dependents) {
      std::vector<std::string> uids{uid_of(*owner)};
      if (!co_await remove_owner_references(i, *d, uids)) ok = false;
    }
    if (!ok) co_return false;
    co_return co_await remove_finalizer(tracked, *owner, kOrphan);
  }
  if (has_finalizer(*owner, kForeground)) {
    // Foreground: dependents are deleted first (their own collection sees this owner
    // waiting); the owner goes once none is left.
    if (dependents.empty()) co_return co_await remove_finalizer(tracked, *owner, kForeground);
    for (auto& [i, d] : dependents) queue_.add(item("dependent", i, client::object_key(*d)));
  }
  co_return true;
}

asio::awaitable<bool> GarbageCollector::remove_owner_references(std::size_t tracked, const json::object& dependent,
                                                                const std::vector<std::string>& uids) {
  // A strategic merge patch deleting by the ownerReferences merge key (uid), pinned to
  // the dependent's uid: upstream's GenerateDeleteOwnerRefStrategicMergeBytes.
  json::array refs;
  for (auto& uid : uids) refs.push_back(json::object{{"$patch", "delete"}, {"uid", uid}});
  json::value patch = json::object{{"metadata", json::object{{"ownerReferences", std::move(refs)}, {"uid", uid_of(dependent)}}}};
  auto ns = namespace_of(dependent), name = name_of(dependent);
  auto patched = co_await ctx_.client.patch(*tracked_[tracked].kind, ns, name, client::PatchType::kStrategic, patch);
  co_return patched || patched.error().not_found();
}

asio::awaitable<bool> GarbageCollector::remove_finalizer(std::size_t tracked, const json::object& owner,
                                                         const std::string& finalizer) {
  json::object updated = owner;
  auto& meta = ensure_object(updated, "metadata");
  json::array kept;
  if (auto* list = meta.if_contains("finalizers"); list && list->is_array()) {
    for (auto& f : list->get_array()) {
      if (!(f.is_string() && f.get_string() == finalizer)) kept.push_back(f);
    }
  }
  meta["finalizers"] = std::move(kept);
  auto written = co_await ctx_.client.update(*tracked_[tracked].kind, updated);
  co_return written || written.error().not_found();
}

}  // namespace kscratch::controllers::garbagecollector
