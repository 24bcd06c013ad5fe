#include "endpointslice_controller.h"

#include "desired.h"
#include "kscratch/util/log.h"

#include <algorithm>

namespace kscratch::controllers::endpoints {

namespace asio = boost::asio;

namespace {

constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
constexpr const char* kManagedByLabel = "endpointslice.kubernetes.io/managed-by";
constexpr const char* kManagedBy = "endpointslice-controller.k8s.io";

// Slices are indexed by "namespace/service" of their service-name label.
std::vector<std::string> by_service(const json::object& slice) {
  auto labels = labels_of(slice);
  auto it = labels.find(kServiceNameLabel);
  if (it == labels.end() || labels[kManagedByLabel] != kManagedBy) return {};
  return {namespace_of(slice) + "/" + it->second};
}

json::object slice_labels(const json::object& service) {
  json::object labels = to_json(labels_of(service));
  labels[kServiceNameLabel] = name_of(service);
  labels[kManagedByLabel] = kManagedBy;
  auto* spec = object_at(service, "spec");
  if (spec && string_at(*spec, "clusterIP") == "None") labels["service.kubernetes.io/headless"] = "";
  return labels;
}

json::object owner_reference(const json::object& service) {
  return json::object{{"apiVersion", "v1"},        {"kind", "Service"},          {"name", name_of(service)},
                      {"uid", uid_of(service)},    {"controller", true},         {"blockOwnerDeletion", true}};
}

bool same_content(const json::object& slice, const SliceContent& want, const json::object& labels) {
  auto* meta = object_at(slice, "metadata");
  auto* have_labels = meta ? object_at(*meta, "labels") : nullptr;
  if (!have_labels || *have_labels != labels) return false;
  auto field = [&](const char* key) {
    auto* v = slice.if_contains(key);
    return v && v->is_array() ? v->get_array() : json::array();
  };
  return field("ports") == want.ports && field("endpoints") == want.endpoints;
}

}  // namespace

EndpointSliceController::EndpointSliceController(ControllerContext& ctx)
    : ServiceSyncController(ctx), slices_(ctx.informers.get(client::kinds::endpointslices)) {
  slices_.add_index("service", by_service);
  auto requeue = [this](const client::ObjectPtr& s) {
    for (auto& key : by_service(*s)) queue_.add(key);
  };
  slices_.add_handlers({nullptr, [requeue](const client::ObjectPtr&, const client::ObjectPtr& s) { requeue(s); },
                        requeue});
}

asio::awaitable<bool> EndpointSliceController::sync(const std::string& key) {
  auto slash = key.find('/');
  std::string ns = key.substr(0, slash), name = key.substr(slash + 1);
  auto service = services_.get(key);
  // A deleted Service's slices go with it through their owner reference.
  if (!service || !has_selector(*service)) co_return true;
  auto pods = selected_pods(*service);
  auto want = slice_contents(*service, raw(pods));
  auto labels = slice_labels(*service);

  auto existing = slices_.by_index("service", key);
  if (auto it = awaiting_.find(key); it != awaiting_.end()) {
    for (auto& s : existing) it->second.erase(name_of(*s));
    if (!it->second.empty()) {
      queue_.add_after(key, std::chrono::milliseconds(50));
      co_return true;
    }
    awaiting_.erase(it);
  }
  std::sort(existing.begin(), existing.end(),
            [](const client::ObjectPtr& a, const client::ObjectPtr& b) { return name_of(*a) < name_of(*b); });
  // Slices of another Service generation (same name, new uid) are replaced.
  std::erase_if(existing, [&](const client::ObjectPtr& s) {
    auto* meta = object_at(*s, "metadata");
    auto* refs = meta ? meta->if_contains("ownerReferences") : nullptr;
    return refs && refs->is_array() && !refs->get_array().empty() && refs->get_array()[0].is_object() &&
           string_at(refs->get_array()[0].get_object(), "uid") != uid_of(*service);
  });

  bool ok = true;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (i < existing.size()) {
      if (same_content(*existing[i], want[i], labels)) continue;
      json::object updated = *existing[i];
      ensure_object(updated, "metadata")["labels"] = labels;
      updated["ports"] = want[i].ports;
      updated["endpoints"] = want[i].endpoints;
      auto written = co_await ctx_.client.update(client::kinds::endpointslices, updated);
      if (!written) {
        log::debug("endpointslice", "updating {}: {}", name_of(updated), written.error().message);
        ok = false;
      }
      continue;
    }
    json::object slice{{"apiVersion", "discovery.k8s.io/v1"},
                       {"kind", "EndpointSlice"},
                       {"metadata", json::object{{"generateName", name + "-"},
                                                 {"namespace", ns},
                                                 {"labels", labels},
                                                 {"ownerReferences", json::array{owner_reference(*service)}}}},
                       {"addressType", "IPv4"},
                       {"ports", want[i].ports},
                       {"endpoints", want[i].endpoints}};
    auto created = co_await ctx_.client.create(client::kinds::endpointslices, ns, slice);
    if (!created) {
      log::warn("endpointslice", "creating a slice for {}: {}", key, created.error().message);
      ok = false;
    } else {
      awaiting_[key].insert(name_of(*created));
    }
  }
  for (std::size_t i = want.size(); i < existing.size(); ++i) {
    client::DeleteOptions none;
    auto slice_name = name_of(*existing[i]);
    auto removed = co_await ctx_.client.remove(client::kinds::endpointslices, ns, slice_name, none);
    if (!removed && !removed.error().not_found()) ok = false;
  }
  co_return ok;
}

}  // namespace kscratch::controllers::endpoints
