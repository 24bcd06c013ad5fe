#include "kscratch/runtime/task_group.h"

#include "kscratch/runtime/together.h"
#include "kscratch/util/log.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <exception>

namespace kscratch::runtime {

namespace asio = boost::asio;

TaskGroup::TaskGroup(asio::any_io_executor executor) : executor_(executor), idle_(executor) {}

void TaskGroup::spawn(asio::awaitable<void> task, std::string name) {
  auto it = tasks_.emplace(tasks_.end());
  if (stopping_) it->emit(asio::cancellation_type::terminal);
  asio::co_spawn(executor_, std::move(task),
                 asio::bind_cancellation_slot(it->slot(), [this, it, name = std::move(name)](std::exception_ptr e) {
                   if (e && !is_cancellation(e)) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       log::error("tasks", "{} failed: {}", name, ex.what());
                     }
                   }
                   tasks_.erase(it);
                   if (stopping_ && tasks_.empty()) idle_.cancel();
                 }));
}

asio::awaitable<void> TaskGroup::run() {
  idle_.expires_at(asio::steady_timer::time_point::max());
  co_await idle_.async_wait(asio::as_tuple(asio::use_awaitable));
  // Cancelled: stop every task, and wait for them without being cancelled again.
  co_await asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  stopping_ = true;
  for (auto& signal : tasks_) signal.emit(asio::cancellation_type::terminal);
  while (!tasks_.empty()) {
    idle_.expires_at(asio::steady_timer::time_point::max());
    co_await idle_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  throw boost::system::system_error(asio::error::operation_aborted);
}

}  // namespace kscratch::runtime
