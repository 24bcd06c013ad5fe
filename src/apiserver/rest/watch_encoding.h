#pragma once
// Each change decoded, and encoded, once for all of its watchers. A change reaches every
// watch of its resource (the bench's, the garbage collector's, each kubelet's and
// proxy's informers); decoding the stored bytes, stamping the resourceVersion and
// serializing again is the same work for each, so the results are kept for the watchers
// that come next, as upstream's watch cache keeps a cachingObject per event. Only recent
// changes are kept: watchers take a change within moments of each other.

#include "kscratch/store/store.h"

#include <boost/json/fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace kscratch::apiserver::rest {

class WatchEncoding {
 public:
  // The object a watch sends for this change: the new value, or the last one for a
  // deletion, with metadata.resourceVersion set to the change's revision. Null when the
  // stored bytes are not a JSON object (the change is then skipped). Shared, never changed.
  std::shared_ptr<const boost::json::object> object(const store::Event& e);

  // The same object as JSON; empty when it is null. Valid until the next call.
  const std::string& object_json(const store::Event& e);

 private:
  struct Slot {
    store::Revision revision = 0;
    std::shared_ptr<const boost::json::object> object;
    std::string json;  // empty until a watcher wants JSON
  };
  Slot& slot_for(const store::Event& e);

  static constexpr std::size_t kSlots = 512;
  // Larger objects are encoded for each watcher rather than kept.
  static constexpr std::size_t kMaxKept = 16 * 1024;
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
  std::string uncached_;
};

}  // namespace kscratch::apiserver::rest
