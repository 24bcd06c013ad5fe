#pragma once
#include "kscratch/store/store.h"

#include <ostream>

// How Catch prints store results in failure messages.
namespace kscratch::store {
inline std::ostream& operator<<(std::ostream& o, const KeyValue& kv) {
  return o << "{" << kv.key << " create=" << kv.create_revision << " mod=" << kv.mod_revision << "}";
}
inline std::ostream& operator<<(std::ostream& o, const WriteResult& w) { return o << "{revision " << w.revision << "}"; }
inline std::ostream& operator<<(std::ostream& o, const ListResult& l) {
  return o << "{" << l.items.size() << " items at " << l.revision << "}";
}
inline std::ostream& operator<<(std::ostream& o, const std::vector<EventPtr>& events) {
  return o << "{" << events.size() << " events}";
}
}  // namespace kscratch::store
