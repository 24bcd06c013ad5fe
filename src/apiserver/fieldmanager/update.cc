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

  // This runs on every write, so nothing is copied: the comparison skips managedFields
  // instead of comparing copies without them, and the sets are narrowed in place. A create
  // compares with an empty object, which walks `updated` once.
  Shape shape(scope.schema);
  static const json::object nothing;
  auto diff = compare_tracked(shape, live ? *live : nothing, updated);
  auto removed = ownership::strip(scope, std::move(diff.removed));
  auto changed = ownership::strip(scope, std::move(diff).changed());

  for (auto& e : managed) {
    e.fields.subtract_in_place(changed);
    e.fields.subtract_in_place(removed);
  }
  if (!changed.empty()) {
    auto& mine = ownership::entry_for(managed, scope, manager, "Update");
    mine.fields.unite_in_place(std::move(changed));
    mine.time = now;
  }
  ownership::drop_empty(managed);
  ownership::set_managed_fields(updated, managed);
}

}  // namespace kscratch::apiserver::fieldmanager
