// watch=true: a chunked stream of {"type","object"} lines, one per change after the
// requested resourceVersion, with selectors applied to each change as upstream does (an
// object that stops matching is DELETED for this watcher, one that starts is ADDED).

#include "api.h"

#include "kscratch/util/log.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

namespace kscratch::apiserver::rest {

namespace {

using namespace boost::asio::experimental::awaitable_operators;

constexpr auto kDefaultTimeout = std::chrono::minutes(30);
constexpr auto kBookmarkEvery = std::chrono::seconds(60);

std::string event_line(const Resource& r, const char* type, const json::object& object, bool table, bool& first) {
  json::value encoded;
  if (table) {
    encoded = to_table(r, {object}, string_at(object, "metadata.resourceVersion"), "", first);
    first = false;
  } else {
    encoded = object;
  }
  return serialize(json::object{{"type", type}, {"object", std::move(encoded)}}) + "\n";
}

// The events of one wake-up, as JSON lines or, for a reader in this process, as objects.
struct Batch {
  const Resource& r;
  bool table;
  bool objects;
  bool first = true;
  std::string lines;
  std::vector<http::ObjectEvent> events;

  void add(const char* type, json::object o) {
    if (objects) {
      events.push_back(http::ObjectEvent{type, std::make_shared<const json::object>(std::move(o))});
    } else {
      lines += event_line(r, type, o, table, first);
    }
  }
  bool empty() const { return lines.empty() && events.empty(); }
};

// Sends what the batch holds and empties it; false once the client is gone.
asio::awaitable<bool> flush(Batch& b, http::Responder& out) {
  if (b.empty()) co_return true;
  if (b.objects) {
    auto events = std::move(b.events);
    b.events.clear();
    co_return co_await out.write_objects(std::move(events));
  }
  auto lines = std::move(b.lines);
  b.lines.clear();
  co_return co_await out.write(std::move(lines));
}

std::optional<store::Revision> parse_revision(const std::string& text) {
  try {
    std::size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used == text.size() && v >= 0) return v;
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace

asio::awaitable<void> Api::watch(const Resource& r, const RequestInfo& info, const http::Request& req,
                                 http::Responder& out) {
  auto selection = parse_selection(r, req);
  if (auto* e = std::get_if<ApiError>(&selection)) {
    auto res = error_response(*e);
    co_await out.send(res);
    co_return;
  }
  auto sel = std::get<std::shared_ptr<Selection>>(selection);
  bool table = wants_table(req);
  bool bookmarks = req.param("allowWatchBookmarks") == "true";
  auto timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kDefaultTimeout);
  if (auto t = req.param("timeoutSeconds"); !t.empty()) {
    try {
      timeout = std::chrono::seconds(std::max(0LL, std::stoll(t)));
    } catch (...) {
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto prefix = key_prefix(r, info.namespace_);

  // "" and "0" mean: the current state as ADDED events, then changes from there.
  store::Revision from = 0;
  std::vector<json::object> initial;
  auto rv = req.param("resourceVersion");
  if (rv.empty() || rv == "0") {
    auto listed = co_await store_->list(prefix);
    if (!listed) {
      auto res = error_response(internal(listed.error().message()));
      co_await out.send(res);
      co_return;
    }
    from = listed->revision;
    for (auto& kv : listed->items) {
      auto o = from_stored(kv.value, kv.mod_revision);
      if (o && matches(*sel, *o)) initial.push_back(std::move(*o));
    }
  } else if (auto parsed = parse_revision(rv)) {
    from = *parsed;
  } else {
    auto res = error_response(bad_request(fmt::format("invalid resource version \"{}\"", rv)));
    co_await out.send(res);
    co_return;
  }

  const bool everything = selects_everything(*sel);
  auto w = store_->watch(prefix, from);
  std::string content_type = table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json";
  if (!co_await out.start_stream(200, std::move(content_type))) co_return;
  Batch batch{r, table, out.takes_objects() && !table};
  for (auto& o : initial) batch.add("ADDED", std::move(o));
  if (!co_await flush(batch, out)) co_return;

  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    auto wait = std::min<std::chrono::steady_clock::duration>(deadline - now, kBookmarkEvery);
    timer.expires_after(wait);
    auto result = co_await (w->next() || timer.async_wait(asio::use_awaitable) || out.closed());
    if (result.index() == 2) co_return;  // the client went away
    if (result.index() == 1) {
      if (bookmarks && std::chrono::steady_clock::now() < deadline) {
        json::object bookmark{{"kind", r.kind}, {"apiVersion", r.api_version()},
                              {"metadata", json::object{{"resourceVersion", std::to_string(w->progress())},
                                                        {"annotations", json::object{{"k8s.io/initial-events-end", "true"}}}}}};
        batch.add("BOOKMARK", std::move(bookmark));
        if (!co_await flush(batch, out)) co_return;
      }
      continue;
    }
    auto& events = std::get<0>(result);
    if (!events) {
      ApiError e = events.error() == store::Errc::compacted
                       ? gone(fmt::format("too old resource version: {} ({})", from, store_->stats().compacted))
                       : internal(events.error().message());
      if (batch.objects) {
        batch.add("ERROR", status_object(e));
      } else {
        batch.lines += serialize(json::object{{"type", "ERROR"}, {"object", status_object(e)}}) + "\n";
      }
      co_await flush(batch, out);
      break;
    }
    for (auto& e : *events) {
      if (everything && !table) {
        // The common case: the change as every other watcher gets it, decoded (and
        // encoded) once.
        if (e->type == store::Event::Type::remove && !e->prev_value) continue;
        const char* type = e->type == store::Event::Type::remove ? "DELETED" : e->prev_value ? "MODIFIED" : "ADDED";
        if (batch.objects) {
          auto object = watch_encoding_.object(*e);
          if (object) batch.events.push_back(http::ObjectEvent{type, std::move(object)});
          continue;
        }
        const std::string& object = watch_encoding_.object_json(*e);
        if (object.empty()) continue;
        batch.lines += http::watch_event_line(type, object);
        continue;
      }
      if (e->type == store::Event::Type::remove) {
        if (!e->prev_value) continue;
        auto old = from_stored(*e->prev_value, e->mod_revision);
        if (old && matches(*sel, *old)) batch.add("DELETED", std::move(*old));
        continue;
      }
      auto now_obj = from_stored(e->value, e->mod_revision);
      if (!now_obj) continue;
      bool now_match = matches(*sel, *now_obj);
      std::optional<json::object> old;
      if (e->prev_value) old = from_stored(*e->prev_value, e->mod_revision);
      bool old_match = old && matches(*sel, *old);
      if (now_match && old_match) batch.add("MODIFIED", std::move(*now_obj));
      else if (now_match) batch.add("ADDED", std::move(*now_obj));
      else if (old_match) batch.add("DELETED", std::move(*now_obj));
    }
    if (!co_await flush(batch, out)) co_return;
  }
  co_await out.finish();
}

}  // namespace kscratch::apiserver::rest
