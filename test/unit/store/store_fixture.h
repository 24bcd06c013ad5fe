#pragma once
#include "kscratch/store/store.h"
#include "run_coro.h"

#include <boost/asio/io_context.hpp>

#include <memory>

#include "store_printers.h"

namespace kscratch::testing {

// A store in a fresh temporary directory, with helpers that run each call to completion.
struct StoreFixture {
  explicit StoreFixture(store::StoreOptions options = {});
  ~StoreFixture();

  void reopen();
  store::Result<store::WriteResult> create(std::string k, std::string v);
  store::Result<store::WriteResult> update(std::string k, std::string v, store::Revision expected = 0);
  store::Result<store::WriteResult> remove(std::string k, store::Revision expected = 0);
  store::Result<store::KeyValue> get(std::string k, store::Revision at = 0);
  store::Result<store::ListResult> list(std::string prefix, store::ListOptions o = {});
  store::Result<std::vector<store::EventPtr>> next(store::Watch& w);

  TempDir dir;
  store::StoreOptions options;
  boost::asio::io_context io;
  std::shared_ptr<store::Store> db;
};

}  // namespace kscratch::testing
