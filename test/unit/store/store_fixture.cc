#include "store_fixture.h"

#include <stdexcept>

namespace kscratch::testing {

StoreFixture::StoreFixture(store::StoreOptions o) : options(std::move(o)) {
  options.path = dir.path() / "state.db";
  reopen();
}

StoreFixture::~StoreFixture() {
  if (db) db->close();
}

void StoreFixture::reopen() {
  if (db) db->close();
  db.reset();
  auto opened = store::open_store(io, options);
  if (!opened) throw std::runtime_error(opened.error().message);
  db = *opened;
}

store::Result<store::WriteResult> StoreFixture::create(std::string k, std::string v) {
  return run_coro(io, db->create(std::move(k), std::move(v)));
}
store::Result<store::WriteResult> StoreFixture::update(std::string k, std::string v, store::Revision e) {
  return run_coro(io, db->update(std::move(k), std::move(v), e));
}
store::Result<store::WriteResult> StoreFixture::remove(std::string k, store::Revision e) {
  return run_coro(io, db->remove(std::move(k), e));
}
store::Result<store::KeyValue> StoreFixture::get(std::string k, store::Revision at) {
  return run_coro(io, db->get(std::move(k), at));
}
store::Result<store::ListResult> StoreFixture::list(std::string prefix, store::ListOptions o) {
  return run_coro(io, db->list(std::move(prefix), o));
}
store::Result<std::vector<store::EventPtr>> StoreFixture::next(store::Watch& w) { return run_coro(io, w.next()); }

}  // namespace kscratch::testing
