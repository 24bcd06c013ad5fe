#pragma once
// A real apiserver handler over a real store in a temporary directory, and a client that
// reaches it through the in-process transport; plus helpers to run coroutines in the
// background and wait for conditions.

#include "kscratch/client/client.h"

#include "run_coro.h"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace kscratch::store {
class Store;
}
namespace kscratch::apiserver::rest {
class Api;
}

namespace kscratch::testing {

struct ApiClientFixture {
  TempDir dir;
  boost::asio::io_context io;
  std::shared_ptr<store::Store> db;
  std::unique_ptr<apiserver::rest::Api> api;
  std::unique_ptr<client::Client> client;
  std::list<boost::asio::cancellation_signal> background_;
  bool stopped_ = false;
  // Clients for components under test: they live until the very end, as work the
  // components left in flight may still use them while the fixture unwinds.
  std::vector<std::unique_ptr<client::Client>> extra_clients_;

  client::Client& make_client(const std::string& user, const std::string& field_manager);

  ApiClientFixture();
  ~ApiClientFixture();

  // Runs `task` until the fixture ends (then cancels it and lets it unwind).
  void background(boost::asio::awaitable<void> task);
  // Cancels the background tasks and lets them unwind; fixtures that own what those tasks
  // use call it in their destructor, before their members go.
  void stop_background();
  // Runs the io_context until `condition` holds; false after `timeout`.
  bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Runs one coroutine to completion.
  template <class T>
  T run(boost::asio::awaitable<T> a) {
    return run_coro(io, std::move(a));
  }
};

}  // namespace kscratch::testing
