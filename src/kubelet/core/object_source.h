#pragma once
// The objects pods refer to (configMaps, secrets, services), read through the API with
// the kubelet's client, as upstream's kubelet does without a cache.

#include "kubelet/spec/spec.h"

namespace kscratch::kubelet {

namespace json = boost::json;

class ApiObjectSource : public spec::ObjectSource {
 public:
  explicit ApiObjectSource(client::Client& client) : client_(client) {}
  boost::asio::awaitable<client::Result<json::object>> config_map(const std::string& ns,
                                                                  const std::string& name) override;
  boost::asio::awaitable<client::Result<json::object>> secret(const std::string& ns, const std::string& name) override;
  boost::asio::awaitable<client::Result<std::vector<json::object>>> services(const std::string& ns) override;

 private:
  client::Client& client_;
};

}  // namespace kscratch::kubelet
