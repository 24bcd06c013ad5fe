#pragma once
// Runs blocking work (unpacking, hashing, file system scans) on a thread pool and
// resumes the awaiting coroutine on its own executor, so the io_context thread never
// waits on a disk.

#include "kscratch/util/expected.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <type_traits>
#include <utility>

namespace kscratch::images {

// f returns an Expected<...>; an exception it throws becomes an error.
template <class F>
auto run_blocking(boost::asio::thread_pool& pool, F f) -> boost::asio::awaitable<std::invoke_result_t<F>> {
  using R = std::invoke_result_t<F>;
  namespace asio = boost::asio;
  return asio::async_initiate<const asio::use_awaitable_t<>, void(R)>(
      [&pool](auto handler, F fn) {
        // The io_context must not run out of work while the job is away on the pool.
        auto home = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        asio::post(pool, [handler = std::move(handler), fn = std::move(fn), home]() mutable {
          std::optional<R> result;
          try {
            result.emplace(fn());
          } catch (const std::exception& e) {
            result.emplace(make_error(e.what()));
          }
          asio::post(home, [handler = std::move(handler), r = std::move(*result)]() mutable {
            std::move(handler)(std::move(r));
          });
        });
      },
      asio::use_awaitable, std::move(f));
}

}  // namespace kscratch::images
