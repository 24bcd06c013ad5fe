// Ownership after a write that is not an apply (upstream's managedFieldsUpdater over
// structured-merge-diff's Updater.Update).

#include "fieldmanager.h"
#include "ownership.h"
#include "typed.h"

namespace kscratch::apiserver::fieldmanager {

void track_update(const Scope& scope, const json::object* live, json::object& updated, const std::string& manager,
                  const std::string& now) {
  ManagedFields managed;
  // Clients may rewrite managedFields through the main resource; an empty or invalid
  // list means they did not mean to (it is kept from the live object).
  if (scope.subresource.empty()) managed = ownership::managed_fields_of(updated);
  if (managed.empty() && live) managed = ownership::managed_fields_of(*live);
  if (managed.empty() && live && ownership::stored(*live)) {
    // Never tracked so far (created before tracking, or by the server itself): upstream
    // starts tracking such objects at their first apply only.
    ownership::set_managed_fields(updated, {});
    return;
  }

  Shape shape(scope.schema);
  auto before = live ? ownership::without_managed_fields(*live) : json::object();
  auto diff = compare(shape, before, ownership::without_managed_fields(updated));
  auto changed = ownership::strip(scope, diff.changed());
  auto removed = ownership::strip(scope, diff.removed);

  for (auto& e : managed) e.fields = e.fields.subtract(changed).subtract(removed);
  if (!changed.empty()) {
    auto& mine = ownership::entry_for(managed, scope, manager, "Update");
    mine.fields = mine.fields.unite(changed);
    mine.time = now;
  }
  ownership::drop_empty(managed);
  ownership::set_managed_fields(updated, managed);
}

}  // namespace kscratch::apiserver::fieldmanager
