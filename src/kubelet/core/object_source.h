#pragma once
// The objects pods refer to: configMaps and secrets read through the API with the
// kubelet's client (upstream's kubelet does the same without a cache), services from an
// informer (upstream's service lister), since every container start needs them all for
// its service-link variables.

#include "kscratch/client/informer.h"
#include "kubelet/spec/spec.h"

namespace kscratch::kubelet {

namespace json = boost::json;

class ApiObjectSource : public spec::ObjectSource {
 public:
  ApiObjectSource(client::Client& client, const client::Informer& services) : client_(client), services_(services) {}
  boost::asio::awaitable<client::Result<json::object>> config_map(const std::string& ns,
                                                                  const std::string& name) override;
  boost::asio::awaitable<client::Result<json::object>> secret(const std::string& ns, const std::string& name) override;
  boost::asio::awaitable<client::Result<std::vector<json::object>>> services(const std::string& ns) override;

 private:
  client::Client& client_;
  const client::Informer& services_;  // indexed by namespace
};

}  // namespace kscratch::kubelet
