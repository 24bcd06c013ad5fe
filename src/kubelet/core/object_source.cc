#include "object_source.h"

namespace kscratch::kubelet {

namespace asio = boost::asio;

asio::awaitable<client::Result<json::object>> ApiObjectSource::config_map(const std::string& ns, const std::string& name) {
  co_return co_await client_.get(client::kinds::configmaps, ns, name);
}

asio::awaitable<client::Result<json::object>> ApiObjectSource::secret(const std::string& ns, const std::string& name) {
  co_return co_await client_.get(client::kinds::secrets, ns, name);
}

asio::awaitable<client::Result<std::vector<json::object>>> ApiObjectSource::services(const std::string& ns) {
  if (services_.synced()) {
    std::vector<json::object> found;
    for (auto& s : services_.by_index("namespace", ns)) found.push_back(*s);
    co_return found;
  }
  client::ListOptions all;
  auto listed = co_await client_.list(client::kinds::services, ns, all);
  if (!listed) co_return listed.error();
  co_return std::move(listed->items);
}

}  // namespace kscratch::kubelet
