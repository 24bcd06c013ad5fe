#include "watch_encoding.h"

#include "objects.h"

namespace kscratch::apiserver::rest {

const std::string& WatchEncoding::object_json(const store::Event& e) {
  auto& slot = slots_[static_cast<std::size_t>(e.mod_revision) % kSlots];
  if (slot.revision == e.mod_revision) return slot.json;
  const std::string& stored = e.type == store::Event::Type::remove ? e.prev_value.value_or("") : e.value;
  auto object = from_stored(stored, e.mod_revision);
  std::string json = object ? serialize(*object) : std::string();
  if (json.size() > kMaxKept) {
    uncached_ = std::move(json);
    return uncached_;
  }
  slot.revision = e.mod_revision;
  slot.json = std::move(json);
  return slot.json;
}

}  // namespace kscratch::apiserver::rest
