#pragma once
// client-go's SharedInformerFactory: one informer (one list+watch, one cache) per kind,
// shared by every controller in the process that asks for it.

#include "kscratch/client/informer.h"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <string>

namespace kscratch::client {

class SharedInformers {
 public:
  explicit SharedInformers(Client& client) : client_(client) {}

  // The informer for a kind across all namespaces, created on first use with a
  // "namespace" index. Ask for every informer before run().
  Informer& get(const Kind& kind);
  // A metadata-only informer for the kind (InformerOptions::metadata_only), also shared.
  Informer& get_metadata(const Kind& kind);
  // Runs every informer asked for so far, until cancelled.
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> wait_for_sync();
  Client& client() { return client_; }

 private:
  Client& client_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;
};

}  // namespace kscratch::client
