#include "parallel.h"

#include "kscratch/runtime/together.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace kscratch::controllers {

namespace asio = boost::asio;

asio::awaitable<int> run_concurrently(asio::any_io_executor ex, std::vector<std::function<asio::awaitable<bool>()>> calls) {
  if (calls.empty()) co_return 0;
  struct State {
    std::size_t remaining;
    int failed = 0;
    asio::steady_timer done;
  };
  auto state = std::make_shared<State>(State{calls.size(), 0, asio::steady_timer(ex, asio::steady_timer::time_point::max())});
  for (auto& call : calls) {
    asio::co_spawn(ex, call(), [state](std::exception_ptr e, bool ok) {
      if (e || !ok) ++state->failed;
      if (--state->remaining == 0) state->done.cancel();
    });
  }
  while (state->remaining > 0) {
    co_await state->done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await runtime::throw_if_cancelled();
  }
  co_return state->failed;
}

}  // namespace kscratch::controllers
