#pragma once
// Pulling an image over the OCI distribution API (v2): mirrors in order then the
// registry itself; bearer-token auth (anonymous, or basic credentials for the token)
// or plain basic auth; index/list -> linux/amd64 manifest -> config -> layers; every
// digest checked: the manifest's bytes against the reference's digest and the
// Docker-Content-Digest header, each blob against its descriptor, each uncompressed
// layer against the config's diff_ids.

#include "content_store.h"
#include "http_client.h"
#include "registries.h"

#include "kscratch/images/images.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <string>

namespace kscratch::images {

class RegistryPuller {
 public:
  // All references must outlive the puller.
  RegistryPuller(boost::asio::any_io_executor io, boost::asio::thread_pool& pool, const ContentStore& store,
                 const RegistriesConfig& config);

  // Pulls ref, unpacks missing layers and saves the image's record.
  boost::asio::awaitable<Expected<ImageRecord>> pull(const Reference& ref);

 private:
  boost::asio::awaitable<Expected<ImageRecord>> pull_from(const Endpoint& endpoint, const Reference& ref);

  boost::asio::any_io_executor io_;
  boost::asio::thread_pool& pool_;
  const ContentStore& store_;
  const RegistriesConfig& config_;
  HttpClient http_;
};

std::string base64_encode(std::string_view in);
std::string url_query_escape(std::string_view in);

}  // namespace kscratch::images
