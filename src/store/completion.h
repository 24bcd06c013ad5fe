#pragma once
// Completing an awaiting coroutine from one of the store's threads: the result is posted
// to the loop (the io_context every caller runs on), so the coroutine always resumes on
// the loop, never on a SQLite thread.

#include "kscratch/store/store.h"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

namespace kscratch::store {

template <class T>
using Handler = boost::asio::any_completion_handler<void(Result<T>)>;

// Callable from any thread.
template <class T>
void post_result(const boost::asio::any_io_executor& loop, Handler<T>& handler, Result<T> result) {
  boost::asio::post(loop, [h = std::move(handler), r = std::move(result)]() mutable { std::move(h)(std::move(r)); });
}

}  // namespace kscratch::store
