#include "parallel.h"


#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <memory>

namespace kscratch::controllers {

namespace asio = boost::asio;

asio::awaitable<int> run_concurrently(asio::any_io_executor ex, std::vector<std::function<asio::awaitable<bool>()>> calls) {
  if (calls.empty()) co_return 0;
  struct State {
    std::size_t remaining;
    int failed = 0;
    asio::steady_timer done;
    std::vector<asio::cancellation_signal> cancel;
  };
  auto state = std::make_shared<State>(State{calls.size(), 0, asio::steady_timer(ex, asio::steady_timer::time_point::max()),
                                             std::vector<asio::cancellation_signal>(calls.size())});
  for (std::size_t i = 0; i < calls.size(); ++i) {
    asio::co_spawn(ex, calls[i](), asio::bind_cancellation_slot(state->cancel[i].slot(), [state](std::exception_ptr e, bool ok) {
                     if (e || !ok) ++state->failed;
                     if (--state->remaining == 0) state->done.cancel();
                   }));
  }
  // The calls may refer to the caller's frame: never return before every one has ended.
  // Cancelled, this passes the cancellation on to them, waits for them, then throws.
  co_await asio::this_coro::throw_if_cancelled(false);
  bool cancelled = false;
  while (state->remaining > 0) {
    co_await state->done.async_wait(asio::as_tuple(asio::use_awaitable));
    auto cs = co_await asio::this_coro::cancellation_state;
    if (!cancelled && cs.cancelled() != asio::cancellation_type::none) {
      cancelled = true;
      for (auto& signal : state->cancel) signal.emit(asio::cancellation_type::terminal);
    }
  }
  if (cancelled) throw boost::system::system_error(asio::error::operation_aborted);
  co_return state->failed;
}

}  // namespace kscratch::controllers
