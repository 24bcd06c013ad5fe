#include "controllers/common/selector.h"

namespace kscratch::controllers {

Expected<apimachinery::labels::Selector> spec_selector(const json::object& obj) {
  const json::object* spec = object_at(obj, "spec");
  const json::value* selector = spec ? spec->if_contains("selector") : nullptr;
  return apimachinery::labels::from_label_selector(selector ? *selector : json::value(nullptr));
}

bool spec_selector_matches(const json::object& owner, const json::object& obj) {
  auto selector = spec_selector(owner);
  return selector && !selector->empty() && selector->matches(labels_of(obj));
}

}  // namespace kscratch::controllers
