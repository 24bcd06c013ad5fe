#include "endpoints_controller.h"

#include "desired.h"
#include "kscratch/util/log.h"

namespace kscratch::controllers::endpoints {

namespace asio = boost::asio;

namespace {

// Services' labels carry over; headless Services are marked (upstream does both).
json::object endpoints_labels(const json::object& service) {
  json::object labels = to_json(labels_of(service));
  auto* spec = object_at(service, "spec");
  if (spec && string_at(*spec, "clusterIP") == "None") labels["service.kubernetes.io/headless"] = "";
  return labels;
}

const json::value& subsets_of(const json::object& endpoints) {
  static const json::value kEmpty = json::array();
  auto* s = endpoints.if_contains("subsets");
  return s && s->is_array() ? *s : kEmpty;
}

}  // namespace

EndpointsController::EndpointsController(ControllerContext& ctx)
    : ServiceSyncController(ctx), endpoints_(ctx.informers.get(client::kinds::endpoints)) {
  // Endpoints changed by someone else are put back.
  endpoints_.add_handlers({nullptr,
                           [this](const client::ObjectPtr&, const client::ObjectPtr& e) { queue_.add(client::object_key(*e)); },
                           [this](const client::ObjectPtr& e) { queue_.add(client::object_key(*e)); }});
}

asio::awaitable<bool> EndpointsController::sync(const std::string& key) {
  auto slash = key.find('/');
  std::string ns = key.substr(0, slash), name = key.substr(slash + 1);
  auto service = services_.get(key);
  if (!service) {
    if (!endpoints_.get(key)) co_return true;
    client::DeleteOptions none;
    auto removed = co_await ctx_.client.remove(client::kinds::endpoints, ns, name, none);
    co_return removed || removed.error().not_found();
  }
  if (!has_selector(*service)) co_return true;  // managed by hand
  auto pods = selected_pods(*service);
  json::value subsets = endpoints_subsets(*service, raw(pods));
  auto labels = endpoints_labels(*service);

  auto existing = endpoints_.get(key);
  if (existing) {
    auto* meta = object_at(*existing, "metadata");
    auto* have_labels = meta ? object_at(*meta, "labels") : nullptr;
    bool same_labels = have_labels ? *have_labels == labels : labels.empty();
    if (same_labels && subsets_of(*existing) == subsets) co_return true;
    json::object updated = *existing;
    ensure_object(updated, "metadata")["labels"] = labels;
    updated["subsets"] = subsets;
    auto written = co_await ctx_.client.update(client::kinds::endpoints, updated);
    if (!written) log::debug("endpoints", "updating {}: {}", key, written.error().message);
    co_return bool(written);  // a conflict retries with the informer's newer copy
  }
  json::object created{{"apiVersion", "v1"},
                       {"kind", "Endpoints"},
                       {"metadata", json::object{{"name", name}, {"namespace", ns}, {"labels", labels}}},
                       {"subsets", subsets}};
  auto written = co_await ctx_.client.create(client::kinds::endpoints, ns, created);
  if (!written && !written.error().already_exists()) {
    log::warn("endpoints", "creating {}: {}", key, written.error().message);
    co_return false;
  }
  co_return bool(written);
}

}  // namespace kscratch::controllers::endpoints
