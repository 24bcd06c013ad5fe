#include "watch_encoding.h"

#include "objects.h"

namespace kscratch::apiserver::rest {

WatchEncoding::Slot& WatchEncoding::slot_for(const store::Event& e) {
  auto& slot = slots_[static_cast<std::size_t>(e.mod_revision) % kSlots];
  if (slot.revision == e.mod_revision) return slot;
  const std::string& stored = e.type == store::Event::Type::remove ? e.prev_value.value_or("") : e.value;
  auto decoded = from_stored(stored, e.mod_revision);
  slot.revision = e.mod_revision;
  slot.object = decoded ? std::make_shared<const json::object>(std::move(*decoded)) : nullptr;
  slot.json.clear();
  return slot;
}

std::shared_ptr<const json::object> WatchEncoding::object(const store::Event& e) { return slot_for(e).object; }

const std::string& WatchEncoding::object_json(const store::Event& e) {
  auto& slot = slot_for(e);
  if (!slot.json.empty() || !slot.object) return slot.json;
  std::string json = serialize(*slot.object);
  if (json.size() > kMaxKept) {
    uncached_ = std::move(json);
    return uncached_;
  }
  slot.json = std::move(json);
  return slot.json;
}

}  // namespace kscratch::apiserver::rest
