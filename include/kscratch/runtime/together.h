#pragma once
// Runs several tasks of one component as one: all until each ends; if one fails, the
// others are cancelled and its exception is rethrown; when cancelled from outside, every
// task is cancelled and the result is operation_aborted (what the Supervisor treats as a
// clean stop), never Asio's "multiple exceptions".

#include <boost/asio/awaitable.hpp>

#include <vector>

namespace kscratch::runtime {

boost::asio::awaitable<void> run_together(std::vector<boost::asio::awaitable<void>> tasks);

}  // namespace kscratch::runtime
