#pragma once
// Runs several tasks of one component as one: all until each ends; if one fails, the
// others are cancelled and its exception is rethrown; when cancelled from outside, every
// task is cancelled and the result is operation_aborted (what the Supervisor treats as a
// clean stop), never Asio's "multiple exceptions".

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <exception>
#include <vector>

namespace kscratch::runtime {

boost::asio::awaitable<void> run_together(std::vector<boost::asio::awaitable<void>> tasks);

}  // namespace kscratch::runtime

namespace kscratch::runtime {

// Throws operation_aborted when the calling coroutine has been cancelled. Waits that
// double as wake-ups (a timer cancelled to notify) cannot tell a notification from a
// cancellation by their error code; they call this after waking.
boost::asio::awaitable<void> throw_if_cancelled();

// Whether an exception is Asio's operation_aborted: a task that was cancelled.
bool is_cancellation(const std::exception_ptr& e);

// Waits d on the calling coroutine's executor; throws operation_aborted when cancelled.
boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d);

}  // namespace kscratch::runtime
