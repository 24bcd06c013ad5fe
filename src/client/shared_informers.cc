#include "kscratch/client/shared_informers.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

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

asio::awaitable<void> SharedInformers::run() {
  auto ex = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(ex, std::declval<asio::awaitable<void>>(), asio::deferred));
  std::vector<Op> ops;
  for (auto& [path, informer] : informers_) ops.push_back(asio::co_spawn(ex, informer->run(), asio::deferred));
  // All run until cancelled; cancelling this task cancels every informer.
  co_await asio::experimental::make_parallel_group(std::move(ops))
      .async_wait(asio::experimental::wait_for_one(), asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> SharedInformers::wait_for_sync() {
  for (auto& [path, informer] : informers_) co_await informer->wait_for_sync();
}

}  // namespace kscratch::client
