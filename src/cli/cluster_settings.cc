// Cluster settings from server to agents (see cluster_settings.h).

#include "cluster_settings.h"

#include "kscratch/client/transport.h"
#include "kscratch/util/log.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <fmt/format.h>

#include <optional>

namespace kscratch::cli {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {
constexpr std::string_view kLog = "cluster-settings";
const std::string kNamespace = "kube-system";
const std::string kName = "kscratch-config";

std::string data_string(const json::object& configmap, std::string_view key) {
  auto* data = configmap.if_contains("data");
  auto* v = data && data->is_object() ? data->get_object().if_contains(key) : nullptr;
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

asio::awaitable<void> publish_cluster_settings(client::Client& client, ClusterSettings settings) {
  json::value configmap = json::object{
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", json::object{{"name", kName}, {"namespace", kNamespace}}},
      {"data", json::object{{"cluster-cidr", settings.cluster_cidr}}}};
  asio::steady_timer retry(co_await asio::this_coro::executor);
  for (;;) {
    auto applied = co_await client.patch(client::kinds::configmaps, kNamespace, kName, client::PatchType::kApply, configmap);
    if (applied) co_return;
    log::debug(kLog, "publishing {}/{}: {}", kNamespace, kName, applied.error().message);
    retry.expires_after(std::chrono::seconds(1));
    co_await retry.async_wait(asio::use_awaitable);
  }
}

Expected<ClusterSettings> fetch_cluster_settings(const pki::Kubeconfig& server, std::chrono::seconds patience) {
  asio::io_context io(1);
  client::Client client(client::make_https_transport(io.get_executor(), server), "kscratch-agent");
  std::optional<client::Result<json::object>> got;  // co_spawn's futures need default-constructible results
  auto done = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer retry(co_await asio::this_coro::executor);
        auto deadline = std::chrono::steady_clock::now() + patience;
        for (;;) {
          got = co_await client.get(client::kinds::configmaps, kNamespace, kName);
          if (*got || std::chrono::steady_clock::now() >= deadline) co_return;
          log::info(kLog, "waiting for {}/{} on {}: {}", kNamespace, kName, server.server, got->error().message);
          retry.expires_after(std::chrono::seconds(1));
          co_await retry.async_wait(asio::use_awaitable);
        }
      },
      asio::use_future);
  io.run();
  try {
    done.get();
  } catch (const std::exception& e) {
    return make_error(fmt::format("reading {}/{}: {}", kNamespace, kName, e.what()));
  }
  if (!*got) return make_error(fmt::format("reading {}/{}: {}", kNamespace, kName, got->error().message));
  ClusterSettings settings{data_string(**got, "cluster-cidr")};
  if (settings.cluster_cidr.empty()) return make_error(fmt::format("{}/{} names no cluster-cidr", kNamespace, kName));
  return settings;
}

}  // namespace kscratch::cli
