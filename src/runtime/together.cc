#include "kscratch/runtime/together.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace kscratch::runtime {

namespace asio = boost::asio;

bool is_cancellation(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& ex) {
    return ex.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

asio::awaitable<void> run_together(std::vector<asio::awaitable<void>> tasks) {
  auto ex = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(ex, std::declval<asio::awaitable<void>>(), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(tasks.size());
  for (auto& t : tasks) ops.push_back(asio::co_spawn(ex, std::move(t), asio::deferred));
  // wait_for_one_error: the first failure (or cancellation) cancels the rest.
  auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(ops))
                             .async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
  std::exception_ptr cancelled;
  for (auto i : order) {
    auto& e = errors[i];
    if (!e) continue;
    if (!is_cancellation(e)) std::rethrow_exception(e);
    cancelled = e;
  }
  if (cancelled) std::rethrow_exception(cancelled);
}

}  // namespace kscratch::runtime

namespace kscratch::runtime {

asio::awaitable<void> throw_if_cancelled() {
  auto state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
}

}  // namespace kscratch::runtime

namespace kscratch::runtime {

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace kscratch::runtime
