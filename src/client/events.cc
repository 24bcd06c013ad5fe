// The event recorder (client-go tools/record: recorder + EventCorrelator aggregation).

#include "kscratch/client/events.h"

#include "kscratch/apimachinery/duration.h"
#include "kscratch/util/log.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>

#include <chrono>

namespace kscratch::client {

namespace asio = boost::asio;

namespace {

// client-go keeps 4096 aggregation records (an LRU); forgetting all at once is enough.
constexpr std::size_t kMaxSeen = 4096;

std::string field(const json::object& o, std::string_view section, std::string_view key) {
  auto* s = o.if_contains(section);
  if (!s || !s->is_object()) return {};
  auto* v = s->get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string top(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

EventRecorder::EventRecorder(asio::any_io_executor executor, Client& client, std::string component, std::string host)
    : executor_(std::move(executor)), client_(client), component_(std::move(component)), host_(std::move(host)) {}

void EventRecorder::event(const json::object& object, std::string_view type, std::string_view reason,
                          std::string message) {
  auto now = std::chrono::system_clock::now();
  auto timestamp = apimachinery::duration::format_rfc3339(now);
  json::object involved{{"kind", top(object, "kind")},
                        {"apiVersion", top(object, "apiVersion")},
                        {"name", field(object, "metadata", "name")},
                        {"uid", field(object, "metadata", "uid")},
                        {"resourceVersion", field(object, "metadata", "resourceVersion")}};
  auto object_ns = field(object, "metadata", "namespace");
  if (!object_ns.empty()) involved["namespace"] = object_ns;
  // Events about cluster-scoped objects (nodes) live in "default", as upstream's.
  std::string ns = object_ns.empty() ? "default" : object_ns;

  auto aggregate_key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", component_, host_,
                                   field(object, "metadata", "uid"), involved["name"].as_string().c_str(), type,
                                   reason, message);
  if (seen_.size() >= kMaxSeen) seen_.clear();
  auto& seen = seen_[aggregate_key];
  bool repeat = seen.count > 0;
  if (!repeat) {
    auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    seen.namespace_ = ns;
    seen.name = fmt::format("{}.{:x}", field(object, "metadata", "name"), nanos);
    seen.first_timestamp = timestamp;
  }
  seen.count++;

  json::object source{{"component", component_}};
  if (!host_.empty()) source["host"] = host_;
  json::object ev{{"kind", "Event"},
                  {"apiVersion", "v1"},
                  {"metadata", json::object{{"name", seen.name}, {"namespace", ns}}},
                  {"involvedObject", std::move(involved)},
                  {"reason", reason},
                  {"message", message},
                  {"source", std::move(source)},
                  {"firstTimestamp", seen.first_timestamp},
                  {"lastTimestamp", timestamp},
                  {"count", seen.count},
                  {"type", type},
                  {"eventTime", nullptr},
                  {"reportingComponent", component_},
                  {"reportingInstance", host_}};
  std::string name = seen.name;
  asio::co_spawn(
      executor_,
      // The write refers to the client, not the recorder, so it may outlive the recorder.
      [&client = client_, ev = std::move(ev), ns, name, repeat, count = seen.count, timestamp]() -> asio::awaitable<void> {
        if (repeat) {
          json::object patch{{"count", count}, {"lastTimestamp", timestamp}};
          json::value body(std::move(patch));
          auto patched = co_await client.patch(kinds::events, ns, name, PatchType::kMerge, body);
          if (patched || !patched.error().not_found()) co_return;
        }
        auto created = co_await client.create(kinds::events, ns, ev);
        if (!created && !created.error().already_exists()) {
          log::warn("events", "recording {} for {}: {}", name, ns, created.error().message);
        }
      },
      asio::detached);
}

}  // namespace kscratch::client
