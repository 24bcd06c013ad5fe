#include "kscratch/client/shared_informers.h"

#include "kscratch/runtime/together.h"

#include <vector>

namespace kscratch::client {

namespace asio = boost::asio;

Informer& SharedInformers::get(const Kind& kind) {
  auto& slot = informers_[kind.path()];
  if (!slot) {
    slot = std::make_unique<Informer>(client_, kind);
    slot->add_index("namespace", index::by_namespace);
  }
  return *slot;
}

Informer& SharedInformers::get_metadata(const Kind& kind) {
  auto& slot = informers_["metadata:" + kind.path()];
  if (!slot) {
    InformerOptions options;
    options.metadata_only = true;
    slot = std::make_unique<Informer>(client_, kind, options);
    slot->add_index("namespace", index::by_namespace);
  }
  return *slot;
}

asio::awaitable<void> SharedInformers::run() {
  std::vector<asio::awaitable<void>> tasks;
  for (auto& [path, informer] : informers_) tasks.push_back(informer->run());
  co_await runtime::run_together(std::move(tasks));
}

asio::awaitable<void> SharedInformers::wait_for_sync() {
  for (auto& [path, informer] : informers_) co_await informer->wait_for_sync();
}

}  // namespace kscratch::client
