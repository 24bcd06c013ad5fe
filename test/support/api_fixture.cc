#include "api_fixture.h"

#include "kscratch/client/transport.h"
#include "kscratch/store/store.h"
#include "rest/api.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace kscratch::testing {

namespace asio = boost::asio;

ApiClientFixture::ApiClientFixture() {
  store::StoreOptions o;
  o.path = dir.path() / "state.db";
  db = *store::open_store(io, o);
  api = std::make_unique<apiserver::rest::Api>(db, apiserver::rest::ApiConfig{"v1.32.0+kscratch", "127.0.0.1:6443"});
  run_coro(io, api->ensure_defaults());
  client = std::make_unique<client::Client>(client::make_in_process_transport(*api, "test", {"system:masters"}), "test");
}

ApiClientFixture::~ApiClientFixture() {
  if (!stopped_) stop_background();
  db->close();
  io.restart();
  io.poll();
}

client::Client& ApiClientFixture::make_client(const std::string& user, const std::string& field_manager) {
  extra_clients_.push_back(
      std::make_unique<client::Client>(client::make_in_process_transport(*api, user, {}), field_manager));
  return *extra_clients_.back();
}

void ApiClientFixture::stop_background() {
  // The signals stay: the cancelled tasks' handlers refer to their slots while unwinding.
  stopped_ = true;
  for (auto& s : background_) s.emit(asio::cancellation_type::all);
  io.restart();
  io.poll();
}

void ApiClientFixture::background(asio::awaitable<void> task) {
  auto& signal = background_.emplace_back();
  asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(signal.slot(), asio::detached));
}

bool ApiClientFixture::eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  io.restart();
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.run_one_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace kscratch::testing
