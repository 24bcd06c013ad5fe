#pragma once
// State the apiserver derives from every object under one store prefix, kept current by
// a list and then a watch (upstream's admission and allocators read informers the same
// way): run() lists, follows the changes until the store closes, and re-lists when the
// watch falls behind compaction. Derived classes keep what they need per object.

#include "kscratch/store/store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace kscratch::apiserver::rest {

class StoreFollower {
 public:
  virtual ~StoreFollower() = default;

  // Runs on the loop thread, as every reader of the derived state.
  boost::asio::awaitable<void> run(store::Store& store, std::string prefix);

  // Whether the state reflects the store (listed, and following its changes).
  bool synced() const { return synced_; }
  const std::string& prefix() const { return prefix_; }

 protected:
  // name: the key below the prefix ("<namespace>/<name>" or "<name>"). An object stored
  // at `revision`; events arrive in revision order, seen() is the last one's revision.
  virtual void put(const std::string& name, store::Revision revision, const boost::json::object& object) = 0;
  virtual void remove(const std::string& name, store::Revision revision) = 0;
  virtual void clear() = 0;
  store::Revision seen() const { return seen_; }

 private:
  std::string prefix_;
  bool synced_ = false;
  store::Revision seen_ = 0;
};

}  // namespace kscratch::apiserver::rest
