#pragma once
// Runs a batch of API calls concurrently and waits for all (upstream's slowStartBatch
// runs each batch in goroutines): the count of calls that failed.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <vector>

namespace kscratch::controllers {

boost::asio::awaitable<int> run_concurrently(boost::asio::any_io_executor executor,
                                             std::vector<std::function<boost::asio::awaitable<bool>()>> calls);

}  // namespace kscratch::controllers
